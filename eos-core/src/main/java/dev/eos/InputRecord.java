package dev.eos;

import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * One input record as the {@link Processor} sees it: deserialized key and value, headers, timestamp and the
 * coordinates it was read from. Immutable, except that {@link #headers()} is this attempt's own copy: the
 * processor may change it (for example to forward some headers), and the change reaches neither a retry of the
 * record nor its dead-letter copy.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class InputRecord<K, V> {

    private final String topic;
    private final int partition;
    private final long offset;
    private final long timestamp;
    private final K key;
    private final V value;
    private final Headers headers;

    /**
     * A record read from {@code topic}-{@code partition} at {@code offset}; public so that a processor can be
     * called directly in a unit test.
     */
    public InputRecord(String topic, int partition, long offset, long timestamp, K key, V value, Headers headers) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    /** The input topic. */
    public String topic() {
        return topic;
    }

    /** The input partition. */
    public int partition() {
        return partition;
    }

    /** The offset of the record in its partition. */
    public long offset() {
        return offset;
    }

    /** The record's timestamp, epoch milliseconds; outputs get it unless an emit chooses another. */
    public long timestamp() {
        return timestamp;
    }

    /** The deserialized key (may be null). */
    public K key() {
        return key;
    }

    /** The deserialized value (may be null). */
    public V value() {
        return value;
    }

    /** This attempt's copy of the record's headers. */
    public Headers headers() {
        return headers;
    }

    /** {@code topic-partition@offset}, the form log lines use. */
    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public String toString() {
        return "InputRecord[" + coordinates() + ", key=" + key + "]";
    }
}
