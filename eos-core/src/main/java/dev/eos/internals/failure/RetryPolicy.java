package dev.eos.internals.failure;

import java.util.Random;

/** Backoff between attempts of a failed record: exponential (or fixed) with jitter, bounded. */
public final class RetryPolicy {
    public final int maxAttempts;
    final long backoffMs;
    final long maxBackoffMs;
    final double multiplier;
    final double jitter;

    public RetryPolicy(int maxAttempts, long backoffMs, long maxBackoffMs, double multiplier, double jitter) {
        this.maxAttempts = maxAttempts;
        this.backoffMs = backoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.multiplier = multiplier;
        this.jitter = jitter;
    }

    /** Whether another attempt follows attempt number {@code attempts} (1 for the first). */
    public boolean shouldRetry(int attempts) {
        return attempts < maxAttempts;
    }

    /** The wait after failed attempt number {@code attempts}, in milliseconds, within [0, maxBackoffMs]. */
    public long delayMs(int attempts, Random random) {
        double nominal = backoffMs * Math.pow(multiplier, Math.max(0, attempts - 1));
        nominal = Math.min(nominal, maxBackoffMs);
        double spread = nominal * jitter * (2 * random.nextDouble() - 1);
        long d = Math.round(nominal + spread);
        return Math.max(0, Math.min(maxBackoffMs, d));
    }
}
