package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Capped exponential backoff with full jitter, and how many attempts RETRIES allows. */
class RetryPolicyTest {

    private static RetryPolicy policy(int retries, int maxWaitSeconds, double... randoms) {
        Deque<Double> values = new ArrayDeque<>();
        for (double r : randoms) {
            values.add(r);
        }
        return new RetryPolicy(retries, Duration.ofSeconds(maxWaitSeconds), values::removeFirst);
    }

    @Test
    void retriesCountTheAttemptsAfterTheFirst() {
        RetryPolicy three = policy(3, 30);
        assertEquals(4, three.attempts());
        assertEquals(List.of(true, true, true, false), IntStream.rangeClosed(1, 4).mapToObj(three::mayRetryAfter).toList());
        RetryPolicy none = policy(0, 30);
        assertEquals(1, none.attempts());
        assertFalse(none.mayRetryAfter(1));
    }

    @Test
    void ceilingsDoubleFromTwoSecondsUpToTheCap() {
        RetryPolicy policy = policy(10, 30);
        assertEquals(List.of(2L, 4L, 8L, 16L, 30L, 30L, 30L, 30L, 30L, 30L),
                IntStream.rangeClosed(1, 10).mapToObj(a -> policy.ceilingAfter(a).toSeconds()).toList());
        assertEquals(Duration.ofSeconds(1), policy(3, 1).ceilingAfter(1), "a cap below the first ceiling wins");
        assertEquals(Duration.ofSeconds(300), policy(10, 300).ceilingAfter(1000), "no overflow on a large attempt");
    }

    @Test
    void eachWaitIsARandomPartOfItsCeiling() {
        RetryPolicy policy = policy(10, 30, 0.0, 0.5, 0.999, 0.25);
        assertEquals(Duration.ZERO, policy.waitAfter(1), "full jitter: a wait may be none at all");
        assertEquals(Duration.ofSeconds(2), policy.waitAfter(2));
        assertEquals(Duration.ofMillis(7992), policy.waitAfter(3), "never the whole ceiling");
        assertEquals(Duration.ofMillis(7500), policy.waitAfter(6), "a quarter of the 30 s cap");
    }

    @Test
    void theRealRandomSourceStaysWithinTheCeilings() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(30), Math::random);
        for (int attempt = 1; attempt <= 10; attempt++) {
            for (int i = 0; i < 200; i++) {
                Duration wait = policy.waitAfter(attempt);
                assertTrue(!wait.isNegative() && wait.compareTo(policy.ceilingAfter(attempt)) < 0, wait.toString());
            }
        }
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> policy(-1, 30));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, Duration.ZERO, Math::random));
        assertThrows(IllegalArgumentException.class, () -> policy(3, 30).ceilingAfter(0));
        assertThrows(IllegalStateException.class, () -> policy(3, 30, 1.0).waitAfter(1), "1 is outside [0, 1)");
    }
}
