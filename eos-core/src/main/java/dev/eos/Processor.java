package dev.eos;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The user function: one input record in, zero or more output records out through the {@link Emitter}.
 *
 * <p>It runs on the pipeline's worker threads ({@code concurrency} of them), several records at a time within
 * the limits of the {@link Ordering}, so it must be thread-safe; the input serdes must be too. It may be called
 * again for the same record (after a failure, an abort, a crash or a rebalance), so it must be free of side
 * effects outside its emitted records; the outputs of each call that is not committed are discarded.
 *
 * @param <K> input key type
 * @param <V> input value type
 */
@FunctionalInterface
public interface Processor<K, V> {

    /**
     * Processes one input record.
     *
     * @param record the input record, deserialized, with its topic, partition, offset, timestamp and headers
     * @param emitter where to send outputs
     * @throws Exception to fail this attempt: the record is retried with backoff up to
     *     {@code retry.max.attempts} (a {@link NonRetryableException} skips the retries), then takes the
     *     {@code failure.action}: stop the pipeline, dead-letter topic, or skip
     */
    void process(ConsumerRecord<K, V> record, Emitter emitter) throws Exception;
}
