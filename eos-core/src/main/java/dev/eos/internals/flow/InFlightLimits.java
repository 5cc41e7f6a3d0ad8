package dev.eos.internals.flow;

/**
 * Back-pressure: how many records and bytes a partition may hold taken but not yet sent. The limits
 * ({@code max.in.flight.records}, {@code max.in.flight.bytes}) are shared equally among the assigned
 * partitions; a partition at or over its share is paused (the consumer stops fetching it) until its records are
 * sent, while the others keep fetching. So a stuck record holds back only its own partition, and what the
 * pipeline holds stays within the limits plus one poll.
 */
public final class InFlightLimits {

    private final int maxRecords;
    private final long maxBytes;

    public InFlightLimits(int maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /** The share of records of one of {@code partitions} assigned partitions (at least 1). */
    public int recordShare(int partitions) {
        return Math.max(1, maxRecords / Math.max(1, partitions));
    }

    /** The share of bytes of one of {@code partitions} assigned partitions (at least 1). */
    public long byteShare(int partitions) {
        return Math.max(1, maxBytes / Math.max(1, partitions));
    }

    /** Whether a partition holding {@code records} and {@code bytes} must be paused. */
    public boolean overShare(int records, long bytes, int partitions) {
        return records >= recordShare(partitions) || bytes >= byteShare(partitions);
    }
}
