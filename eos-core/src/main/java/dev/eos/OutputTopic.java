package dev.eos;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A declared output topic with the serdes of its keys and values. Declare it on the
 * {@linkplain Pipeline.Builder#outputTopic(OutputTopic) pipeline builder} and pass it to
 * {@link ProcessorContext#emit(OutputTopic, Object, Object)}; emitting to a topic that was not declared fails.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class OutputTopic<K, V> {

    private final String name;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;

    private OutputTopic(String name, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("An output topic needs a name");
        }
        this.name = name;
        this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
        this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
    }

    /** An output topic whose keys and values are written with these serdes. */
    public static <K, V> OutputTopic<K, V> of(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        return new OutputTopic<>(name, keySerde.serializer(), valueSerde.serializer());
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
        return "OutputTopic[" + name + "]";
    }
}
