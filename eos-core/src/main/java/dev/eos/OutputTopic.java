package dev.eos;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A declared output topic with the serdes of its keys and values. Declare it on the
 * {@linkplain Pipeline.Builder#outputTopic(OutputTopic) pipeline builder} and pass it to
 * {@link ProcessorContext#emit(OutputTopic, Object, Object)}; emitting to a topic that was not declared fails.
 *
 * <p>A topic declared {@linkplain #coalesced() coalesced} gets, per transaction, only the latest value of each key
 * instead of every value emitted: see {@link #coalesced()}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class OutputTopic<K, V> {

    private final String name;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final boolean coalesced;
    private final TransactionalSink sink;

    private OutputTopic(String name, Serializer<K> keySerializer, Serializer<V> valueSerializer, boolean coalesced,
            TransactionalSink sink) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("An output topic needs a name");
        }
        this.name = name;
        this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
        this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
        this.coalesced = coalesced;
        this.sink = sink;
    }

    /** An output topic whose keys and values are written with these serdes. */
    public static <K, V> OutputTopic<K, V> of(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        return new OutputTopic<>(name, keySerde.serializer(), valueSerde.serializer(), false, null);
    }

    /**
     * An output that is not a Kafka topic but a {@link TransactionalSink}: what the processor emits here is handed,
     * serialized with these serdes, to the sink's commit, with the consumed offsets. Sink modules (eos-jdbc) create
     * it; a pipeline that declares it has no other output and no state store.
     */
    public static <K, V> OutputTopic<K, V> toSink(String name, Serde<K> keySerde, Serde<V> valueSerde,
            TransactionalSink sink) {
        return new OutputTopic<>(name, keySerde.serializer(), valueSerde.serializer(), false,
                Objects.requireNonNull(sink, "sink"));
    }

    /**
     * This topic, coalesced: within one transaction only the latest value emitted for each key (per partition) is
     * written, at commit, with the timestamp and headers of the record that emitted it; the values it replaced are
     * never written. Exactly-once holds as for any output: what a transaction writes is what it commits, and an
     * aborted transaction's values are dropped with it. Like Kafka Streams' record cache, this cuts what an
     * aggregate writes (a count updated 100 times in a commit interval writes once) and what its readers read.
     *
     * <p>Use it for aggregates and latest-value tables, whose readers want the current value of a key; not for
     * event streams, whose readers want every event. Records with a null key are never coalesced. Values held for
     * coalescing take at most {@code output.coalesce.max.bytes} per pipeline; past it, the least recently updated
     * keys are written early (still in the same transaction).
     *
     * <p>Every coalesced output carries the {@link Provenance} headers of the last input record whose value it
     * holds and {@link Provenance#SOURCE_FIRST_OFFSET}, the first input offset of the same partition whose value
     * it replaced, so that {@code ./eos verify} and the chaos kit's checker can account for the inputs it covers.
     * An input partition's outputs to one key are coalesced together; the values of one key from two input
     * partitions are written one after the other.
     *
     * @return a new declaration with the same name and serializers, to declare on the builder
     */
    public OutputTopic<K, V> coalesced() {
        if (sink != null) {
            throw new IllegalStateException("Output '" + name + "' is a sink, which writes every result");
        }
        return new OutputTopic<>(name, keySerializer, valueSerializer, true, null);
    }

    /** Whether only the latest value per key and transaction is written, see {@link #coalesced()}. */
    public boolean isCoalesced() {
        return coalesced;
    }

    /** The sink this output writes to, or null for a Kafka topic, see {@link #toSink}. */
    public TransactionalSink sink() {
        return sink;
    }

    /** The topic's name. */
    public String name() {
        return name;
    }

    /** The serializer of the topic's keys. */
    public Serializer<K> keySerializer() {
        return keySerializer;
    }

    /** The serializer of the topic's values. */
    public Serializer<V> valueSerializer() {
        return valueSerializer;
    }

    @Override
    public String toString() {
        return "OutputTopic[" + name + (coalesced ? ", coalesced]" : sink != null ? ", sink]" : "]");
    }
}
