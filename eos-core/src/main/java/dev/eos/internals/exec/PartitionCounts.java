package dev.eos.internals.exec;

/**
 * How many partitions an output topic has, as the pipeline's producer knows it (from its metadata cache, so asking
 * costs nothing once the topic is known): an emit to a partition the topic does not have fails its record at once.
 * Any thread.
 */
@FunctionalInterface
public interface PartitionCounts {

    /** Nothing is known: every partition is let through to the producer. */
    PartitionCounts UNKNOWN = topic -> -1;

    /** The number of partitions of {@code topic}, or -1 when unknown. */
    int of(String topic);
}
