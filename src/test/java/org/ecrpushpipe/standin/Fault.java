package org.ecrpushpipe.standin;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure the stand-in injects into one request. Each server renders it in its own dialect: the registry
 * facade answers with the registry error body ({@code {"errors":[…]}}), the API with ECR's or STS's error shape.
 */
public sealed interface Fault {

    /** Answer with this HTTP status (500 is a server error, 429 is rate limiting) instead of doing the work. */
    record Status(int status) implements Fault {
        public Status {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a fault status is 4xx or 5xx, not " + status);
            }
        }
    }

    /**
     * Throttle the request as ECR does: the registry answers 429 {@code TOOMANYREQUESTS "Rate exceeded"}, the API
     * answers 400 {@code ThrottlingException "Rate exceeded"} (which the AWS SDK retries).
     */
    record Throttled() implements Fault {
    }

    /** Close the connection without sending any response. */
    record DropConnection() implements Fault {
    }

    /** Wait, then handle the request normally. */
    record Delay(Duration duration) implements Fault {
        public Delay {
            Objects.requireNonNull(duration, "duration");
        }
    }

    /**
     * Read this many bytes of the request's body, then close the connection without any response: a connection
     * lost in the middle of an upload (the API, which reads the whole request first, just drops it). What was read,
     * and whether the body went on, is in {@link Faults#injected()}.
     */
    record DropMidBody(long afterBytes) implements Fault {
        public DropMidBody {
            if (afterBytes < 1) {
                throw new IllegalArgumentException("drop after at least one byte of the body, not " + afterBytes);
            }
        }
    }

    /**
     * Run {@code action} (kill the registry, expire the tokens…) when the request arrives, then handle the request
     * normally: a fault of the world around the server, timed to a request.
     */
    record Action(String name, Runnable action) implements Fault {
        public Action {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(action, "action");
        }
    }

    static Fault status(int status) {
        return new Status(status);
    }

    static Fault throttled() {
        return new Throttled();
    }

    static Fault dropConnection() {
        return new DropConnection();
    }

    static Fault delay(Duration duration) {
        return new Delay(duration);
    }

    static Fault dropMidBody(long afterBytes) {
        return new DropMidBody(afterBytes);
    }

    /** {@code name} says what the action does, in {@link Faults#injected()}. */
    static Fault action(String name, Runnable action) {
        return new Action(name, action);
    }
}
