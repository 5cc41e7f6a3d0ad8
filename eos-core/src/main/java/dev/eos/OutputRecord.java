package dev.eos;

import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * An output record to {@linkplain ProcessorContext#emit(OutputRecord) emit} when the short
 * {@link ProcessorContext#emit(OutputTopic, Object, Object)} is not enough: with headers, a chosen partition
 * or a chosen timestamp. Immutable; each {@code with} method returns a copy.
 *
 * <pre>{@code
 * context.emit(OutputRecord.to(out, key, value).withPartition(0).withTimestamp(eventTime));
 * }</pre>
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class OutputRecord<K, V> {

    private final OutputTopic<K, V> topic;
    private final K key;
    private final V value;
    private final Headers headers;
    private final Integer partition;
    private final Long timestamp;

    private OutputRecord(OutputTopic<K, V> topic, K key, V value, Headers headers, Integer partition,
            Long timestamp) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.key = key;
        this.value = value;
        this.headers = headers;
        this.partition = partition;
        this.timestamp = timestamp;
    }

    /** A record for {@code topic}; the producer's partitioner picks the partition, the input's timestamp is kept. */
    public static <K, V> OutputRecord<K, V> to(OutputTopic<K, V> topic, K key, V value) {
        return new OutputRecord<>(topic, key, value, null, null, null);
    }

    /** A copy with these headers (copied again when emitted, so the caller may reuse them). */
    public OutputRecord<K, V> withHeaders(Headers newHeaders) {
        return new OutputRecord<>(topic, key, value, newHeaders, partition, timestamp);
    }

    /**
     * A copy written to this partition of the topic.
     *
     * @throws IllegalArgumentException if {@code newPartition} is negative
     */
    public OutputRecord<K, V> withPartition(int newPartition) {
        if (newPartition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + newPartition);
        }
        return new OutputRecord<>(topic, key, value, headers, newPartition, timestamp);
    }

    /**
     * A copy with this timestamp (epoch milliseconds) instead of the input record's.
     *
     * @throws IllegalArgumentException if {@code newTimestamp} is negative
     */
    public OutputRecord<K, V> withTimestamp(long newTimestamp) {
        if (newTimestamp < 0) {
            throw new IllegalArgumentException("timestamp must be >= 0: " + newTimestamp);
        }
        return new OutputRecord<>(topic, key, value, headers, partition, newTimestamp);
    }

    /** The declared output topic. */
    public OutputTopic<K, V> topic() {
        return topic;
    }

    /** The key. */
    public K key() {
        return key;
    }

    /** The value. */
    public V value() {
        return value;
    }

    /** The headers, or null for none. */
    public Headers headers() {
        return headers;
    }

    /** The chosen partition, or null to let the partitioner choose. */
    public Integer partition() {
        return partition;
    }

    /** The chosen timestamp, or null for the input record's. */
    public Long timestamp() {
        return timestamp;
    }
}
