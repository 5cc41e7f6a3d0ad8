package dev.eos;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The user function: one input record in, zero or more output records out through the {@link Emitter}.
 *
 * <p>It may be called again for the same record (after an abort, a crash or a rebalance), so it must be free
 * of side effects outside its emitted records; the outputs of each call that is not committed are discarded.
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
     * @throws Exception to fail the record: the transaction is aborted and the pipeline fails with a
     *     {@link ProcessingException} naming the record
     */
    void process(ConsumerRecord<K, V> record, Emitter emitter) throws Exception;
}
