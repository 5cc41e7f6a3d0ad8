package dev.eos.internals.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void shouldKeepEveryDelayWithinZeroAndTheMaximum() {
        qt().forAll(longs().between(0, 10_000), doubles().between(1.0, 5.0), doubles().between(0.0, 1.0),
                integers().between(1, 50))
            .checkAssert((backoff, multiplier, jitter, attempt) -> {
                RetryPolicy p = new RetryPolicy(100, backoff, 30_000, multiplier, jitter);
                long d = p.delayMs(attempt, new Random(attempt));
                assertThat(d).isBetween(0L, 30_000L);
            });
    }

    @Test
    void shouldGrowExponentiallyWithoutJitterAndStopAtMaxAttempts() {
        RetryPolicy p = new RetryPolicy(3, 100, 1_000, 2.0, 0.0);
        Random r = new Random(1);
        assertThat(p.delayMs(1, r)).isEqualTo(100);
        assertThat(p.delayMs(2, r)).isEqualTo(200);
        assertThat(p.delayMs(5, r)).isEqualTo(1_000);
        assertThat(p.shouldRetry(2)).isTrue();
        assertThat(p.shouldRetry(3)).isFalse();
    }

    @Test
    void shouldGiveAFixedBackoffWithMultiplierOne() {
        RetryPolicy p = new RetryPolicy(10, 250, 1_000, 1.0, 0.0);
        assertThat(p.delayMs(1, new Random())).isEqualTo(p.delayMs(7, new Random())).isEqualTo(250);
    }
}
