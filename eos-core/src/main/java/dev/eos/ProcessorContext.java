package dev.eos;

import org.apache.kafka.common.header.Headers;

/**
 * What a {@link Processor} can do and know while it processes one record: emit outputs to declared topics,
 * learn which attempt this is, and the pipeline's identity. Everything emitted during one
 * {@link Processor#process} call is committed in the same transaction as that record's offset, or not at all;
 * the outputs of an attempt that fails are discarded.
 *
 * <p>The context given to {@code process} is valid only during that call (for an {@link AsyncProcessor}: until
 * the stage the call returned completes; emits may then come from any thread). The one given to
 * {@link Processor#init} can tell the identity but cannot emit.
 *
 * <p>A misuse (an undeclared output topic or store; an emit after the attempt ended on its own) is a programming
 * error: besides the exception the call throws, it stops the pipeline with a {@link ProcessingException} whatever
 * {@code failure.action} says, even if the processor catches the exception. Topics and stores match their
 * declarations by name and serializer (serde) classes. An output whose serializer throws fails the record at once,
 * as a {@link NonRetryableException} naming the output topic.
 */
public interface ProcessorContext {

    /**
     * Emits one record to a declared output topic, with the input record's timestamp; the producer's
     * partitioner picks the partition from the serialized key.
     *
     * @throws IllegalArgumentException if the topic was not declared on the pipeline builder
     * @throws IllegalStateException if called outside the {@code process} call this context was given to
     */
    default <K, V> void emit(OutputTopic<K, V> topic, K key, V value) {
        emit(OutputRecord.to(topic, key, value));
    }

    /**
     * Emits one record with headers (may be null; they are copied), see {@link #emit(OutputTopic, Object, Object)}.
     */
    default <K, V> void emit(OutputTopic<K, V> topic, K key, V value, Headers headers) {
        emit(OutputRecord.to(topic, key, value).withHeaders(headers));
    }

    /**
     * Emits one record, with the partition, timestamp and headers it names.
     *
     * @throws IllegalArgumentException if the topic was not declared on the pipeline builder
     * @throws IllegalStateException if called outside the {@code process} call this context was given to
     */
    <K, V> void emit(OutputRecord<K, V> record);

    /**
     * The instance of a declared store that belongs to the current record's partition. Its writes commit with
     * the record's outputs and offset, or not at all.
     *
     * @throws IllegalArgumentException if the store was not declared on the pipeline builder
     * @throws IllegalStateException if called in {@code init} or outside the {@code process} call
     */
    <K, V> KeyValueStore<K, V> store(StoreDefinition<K, V> store);

    /** The attempt of the current record: 1 for the first, 2 for the first retry; 0 in {@code init}. */
    int attempt();

    /** The pipeline's {@code application.id}. */
    String applicationId();

    /** This instance's {@code instance.id} (a random value when none was configured). */
    String instanceId();
}
