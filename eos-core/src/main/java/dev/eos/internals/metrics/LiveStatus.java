package dev.eos.internals.metrics;

/**
 * What the poll thread last saw of its pipeline, for gauges and {@code Pipeline.health()} on other threads:
 * written by the poll thread (at most every {@link #REFRESH_MS} ms, and at each commit), read by anyone.
 */
public final class LiveStatus {

    /** How often the poll thread refreshes the figures, in milliseconds. */
    public static final long REFRESH_MS = 100;

    /** Records taken from the consumer and not yet sent. */
    public volatile long recordsInFlight;
    /** Records completed but held behind an earlier record of their partition. */
    public volatile long recordsHeld;
    /** Partitions whose stores are being restored, as {@code topic-partition}, with the records still to read. */
    public volatile java.util.Map<String, Long> restoring = java.util.Map.of();
    /** Changelog records still to read by the restores running, as of their last batches. */
    public volatile long restoreRemaining;
    /** Partitions whose restore finished since start (a restore that read nothing counts too). */
    public volatile long restoresFinished;
    /** Changelog records read by restores since start. */
    public volatile long restoredRecords;
    /** Assigned partitions paused by back-pressure (not those waiting for their restore). */
    public volatile long partitionsPaused;
    /** Records behind the high watermarks of the assigned partitions, as of the last fetch; -1 if unknown. */
    public volatile long lag = -1;
    /** {@code topic-partition@offset} of the oldest record in flight, or null. */
    public volatile String oldestInFlight;
    /** When the oldest record in flight was taken, epoch milliseconds; 0 if none. */
    public volatile long oldestTakenAtMs;
    /** Whether the oldest record in flight is running on a worker (or waiting for a retry) rather than queued. */
    public volatile boolean oldestStarted;
    /** When a transaction last committed, epoch milliseconds; 0 if none yet. */
    public volatile long lastCommitMs;

    /** Age of the oldest record in flight at {@code nowMs}, in milliseconds; 0 if none. */
    public long oldestAgeMs(long nowMs) {
        long taken = oldestTakenAtMs;
        return taken == 0 ? 0 : Math.max(0, nowMs - taken);
    }

    /** The pipeline stopped: nothing is in flight, held, paused or restoring any more, and the lag is unknown. */
    public void stopped() {
        recordsInFlight = 0;
        recordsHeld = 0;
        restoring = java.util.Map.of();
        restoreRemaining = 0;
        partitionsPaused = 0;
        lag = -1;
        oldestInFlight = null;
        oldestTakenAtMs = 0;
        oldestStarted = false;
    }
}
