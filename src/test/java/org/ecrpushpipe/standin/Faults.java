package org.ecrpushpipe.standin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Faults waiting to be injected into the next matching requests. Thread-safe. A rule matches a request whose
 * method equals {@code method} ({@code "*"} for any) and whose target matches {@code pathRegex} as a whole; it
 * then counts down and stops matching once it has fired {@code times} times. Rules are tried in the order they
 * were added.
 *
 * <p>The target is the request path on the registry facade (e.g. {@code /v2/app/manifests/1.0}) and the
 * operation name on the API (e.g. {@code GetAuthorizationToken} or {@code AssumeRoleWithWebIdentity}).
 */
public final class Faults {
    private final List<Rule> rules = new ArrayList<>();
    private final List<String> injected = new CopyOnWriteArrayList<>();

    /** Injects {@code fault} into the next {@code times} requests that match. */
    public synchronized Faults failNext(int times, String method, String pathRegex, Fault fault) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, not " + times);
        }
        rules.add(new Rule(Objects.requireNonNull(method, "method"), Pattern.compile(pathRegex),
                Objects.requireNonNull(fault, "fault"), times));
        return this;
    }

    /** Forgets all rules that have not fired yet, and what fired ({@link #injected()}). */
    public synchronized void clear() {
        rules.clear();
        injected.clear();
    }

    /** How many injections are still pending over all rules. */
    public synchronized int pending() {
        return rules.stream().mapToInt(r -> r.remaining).sum();
    }

    /**
     * What the injected faults did, oldest first, as {@code "METHOD target: what happened"} (e.g. {@code "PATCH
     * /v2/app/blobs/uploads/…: dropped the connection after 65536 bytes of the body, more unread"}); a live view.
     */
    public List<String> injected() {
        return Collections.unmodifiableList(injected);
    }

    /** Notes what an injected fault did to a request. */
    void record(String method, String target, String outcome) {
        injected.add(method + " " + target + ": " + outcome);
    }

    /**
     * Applies a fault after which the request is still handled as usual (a delay, an action) and says so; false
     * for the faults that replace the answer, which each server renders in its own dialect.
     */
    boolean passes(Fault fault, String method, String target) {
        if (fault instanceof Fault.Delay delay) {
            record(method, target, "delayed " + delay.duration().toMillis() + " ms");
            Latency.sleep(delay.duration());
            return true;
        }
        if (fault instanceof Fault.Action action) {
            record(method, target, action.name());
            action.action().run();
            return true;
        }
        return false;
    }

    /** Takes one injection for this request, if a rule matches. */
    synchronized Optional<Fault> take(String method, String target) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if ((rule.method.equals("*") || rule.method.equalsIgnoreCase(method)) && rule.target.matcher(target).matches()) {
                if (--rule.remaining == 0) {
                    it.remove();
                }
                return Optional.of(rule.fault);
            }
        }
        return Optional.empty();
    }

    private static final class Rule {
        final String method;
        final Pattern target;
        final Fault fault;
        int remaining;

        Rule(String method, Pattern target, Fault fault, int remaining) {
            this.method = method;
            this.target = target;
            this.fault = fault;
            this.remaining = remaining;
        }
    }
}
