package dev.eos;

import org.apache.kafka.common.header.Headers;

/**
 * Where a {@link Processor} sends its output records. Everything emitted while processing one input record
 * is committed in the same transaction as that record's offset, or not at all.
 *
 * <p>An emitter is valid only during the {@link Processor#process} call it was given to.
 */
public interface Emitter {

    /**
     * Emits one record to a declared output topic.
     *
     * @throws IllegalArgumentException if the topic was not declared on the pipeline builder
     * @throws IllegalStateException if called after the {@code process} call returned
     */
    default <K, V> void emit(OutputTopic<K, V> topic, K key, V value) {
        emit(topic, key, value, null);
    }

    /**
     * Emits one record with headers (may be null) to a declared output topic. The partition is chosen by the
     * producer's partitioner from the serialized key.
     *
     * @throws IllegalArgumentException if the topic was not declared on the pipeline builder
     * @throws IllegalStateException if called after the {@code process} call returned
     */
    <K, V> void emit(OutputTopic<K, V> topic, K key, V value, Headers headers);
}
