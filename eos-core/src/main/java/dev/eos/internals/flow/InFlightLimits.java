package dev.eos.internals.flow;

/**
 * Back-pressure: which partitions stop fetching. A record counts from the poll that took it until its outputs
 * are sent. While the pipeline holds less than {@code max.in.flight.records} and {@code max.in.flight.bytes},
 * every partition fetches (a busy partition may use what idle ones leave). Once a limit is reached, the
 * partitions holding at least their equal share of it are paused until they drop below it, and the others keep
 * fetching. So a stuck record holds back only its own partition (paused once the pipeline is full), and the
 * pipeline holds at most the limit plus one poll and the shares of the partitions still fetching: under twice the
 * limit in the worst case, the limit plus a few polls in practice.
 */
public final class InFlightLimits {

    private final int maxRecords;
    private final long maxBytes;

    public InFlightLimits(int maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /**
     * The limits left to the partitions when {@code records} and {@code bytes} in flight belong to none of them
     * (stages of ended attempts that still run, store writes sent and not yet folded): at least 1 each.
     */
    public InFlightLimits less(long records, long bytes) {
        if (records <= 0 && bytes <= 0) {
            return this;
        }
        return new InFlightLimits((int) Math.max(1, maxRecords - records), Math.max(1, maxBytes - bytes));
    }

    /** The share of records of one of {@code partitions} assigned partitions (at least 1). */
    public int recordShare(int partitions) {
        return Math.max(1, maxRecords / Math.max(1, partitions));
    }

    /** The share of bytes of one of {@code partitions} assigned partitions (at least 1). */
    public long byteShare(int partitions) {
        return Math.max(1, maxBytes / Math.max(1, partitions));
    }

    /** Whether the pipeline, holding {@code totalRecords} and {@code totalBytes}, has reached a limit. */
    public boolean reached(long totalRecords, long totalBytes) {
        return totalRecords >= maxRecords || totalBytes >= maxBytes;
    }

    /**
     * Whether a partition holding {@code records} and {@code bytes} must be paused, when the pipeline holds
     * {@code totalRecords} and {@code totalBytes} over {@code partitions} assigned partitions.
     */
    public boolean mustPause(int records, long bytes, long totalRecords, long totalBytes, int partitions) {
        return (totalRecords >= maxRecords && records >= recordShare(partitions))
                || (totalBytes >= maxBytes && bytes >= byteShare(partitions));
    }
}
