package dev.eos.internals.metrics;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * What the runtime reports as it works: one call per event, from the thread where it happens. {@link #NOOP}
 * when the pipeline has no meter registry, so a pipeline without metrics pays a virtual call that does nothing.
 */
public interface PipelineMetrics {

    /** Reports nothing. */
    PipelineMetrics NOOP = new PipelineMetrics() {
    };

    /** The registry the meters go to, or null for {@link #NOOP} (a sink registers its own meters there). */
    default io.micrometer.core.instrument.MeterRegistry registry() {
        return null;
    }

    /** Whether attempts should be timed (false for {@link #NOOP}: no clock reads). */
    default boolean timed() {
        return false;
    }

    /** An attempt of the processor returned normally after {@code nanos}. */
    default void attemptSucceeded(long nanos) {
    }

    /** An attempt of the processor failed (threw, timed out, or the record could not be deserialized). */
    default void attemptFailed(long nanos) {
    }

    /** A failed record will be tried again after its backoff. */
    default void retried() {
    }

    /** A failed record went to the dead-letter topic. */
    default void deadLettered() {
    }

    /** A failed record was skipped. */
    default void skipped() {
    }

    /** A transaction committed, {@code nanos} after it was handed to the committer. */
    default void committed(long nanos) {
    }

    /** {@code transactions} transactions were aborted. */
    default void aborted(int transactions) {
    }

    /**
     * A transaction handed to the committer left {@code outputs} outputs of coalesced topics unwritten: each was
     * replaced by a later value of its key in the same transaction.
     */
    default void coalesced(long outputs) {
    }

    /** A transactional producer was fenced and replaced. */
    default void fenced() {
    }

    /** The group assigned partitions to this instance (the end of a rebalance). */
    default void rebalanced() {
    }

    /** Binds the consumer's own client metrics. */
    default void bindConsumer(Consumer<?, ?> consumer) {
    }

    /** Binds producer {@code slot}'s client metrics, replacing those of the producer it replaced. */
    default void bindProducer(int slot, Producer<?, ?> producer) {
    }

    /** Registers the gauges that read the live status. */
    default void bindStatus(LiveStatus status) {
    }

    /** Unbinds the client metrics and removes the gauges of this pipeline's status. */
    default void close() {
    }
}
