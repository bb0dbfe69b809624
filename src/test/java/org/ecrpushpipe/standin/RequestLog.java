package org.ecrpushpipe.standin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The API requests the stand-in received, in arrival order. Thread-safe. */
public final class RequestLog {
    private final List<ApiCall> calls = new CopyOnWriteArrayList<>();

    void record(ApiCall call) {
        calls.add(call);
    }

    /** A snapshot of every call so far. */
    public List<ApiCall> all() {
        return List.copyOf(calls);
    }

    /** A snapshot of the calls of one operation, e.g. {@code "GetAuthorizationToken"}. */
    public List<ApiCall> of(String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }

    /** The operation names in arrival order. */
    public List<String> operations() {
        return calls.stream().map(ApiCall::operation).toList();
    }

    public void clear() {
        calls.clear();
    }
}
