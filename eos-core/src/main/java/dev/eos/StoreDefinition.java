package dev.eos;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A declared key-value state store with the serdes of its keys and values. Declare it on the
 * {@linkplain Pipeline.Builder#store(StoreDefinition) pipeline builder} and reach it from
 * {@link ProcessorContext#store(StoreDefinition)}. The pipeline keeps one instance of the store per input
 * partition; every change goes to the compacted changelog topic {@code <application.id>-<name>-changelog} in the
 * same transaction as the record's outputs and offset, so the store never disagrees with the committed input.
 *
 * <pre>{@code
 * StoreDefinition<String, Long> counts = StoreDefinition.persistent("counts", Serdes.String(), Serdes.Long());
 * Pipeline.builder(Serdes.String(), Serdes.String())
 *         ...
 *         .store(counts)
 *         .processor((record, context) -> {
 *             KeyValueStore<String, Long> store = context.store(counts);
 *             Long n = store.get(record.key());
 *             store.put(record.key(), n == null ? 1 : n + 1);
 *         })
 * }</pre>
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class StoreDefinition<K, V> {

    private final String name;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final boolean persistent;

    private StoreDefinition(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean persistent) {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("A store name must be non-empty and use only letters, digits, '.', "
                    + "'_' and '-' (it names a topic and a directory): '" + name + "'");
        }
        this.name = name;
        this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
        this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
        this.persistent = persistent;
    }

    /**
     * A store kept in RocksDB under {@code state.dir}: it holds more than the heap, and after a clean close it
     * restarts from its local copy, reading only the changelog written since.
     */
    public static <K, V> StoreDefinition<K, V> persistent(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        return new StoreDefinition<>(name, keySerde, valueSerde, true);
    }

    /** A store kept on the heap, rebuilt from its changelog on every assignment: for tests and small state. */
    public static <K, V> StoreDefinition<K, V> inMemory(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        return new StoreDefinition<>(name, keySerde, valueSerde, false);
    }

    /** The store's name. */
    public String name() {
        return name;
    }

    /** The serde of its keys. */
    public Serde<K> keySerde() {
        return keySerde;
    }

    /** The serde of its values. */
    public Serde<V> valueSerde() {
        return valueSerde;
    }

    /** Whether it is kept in RocksDB (true) or on the heap. */
    public boolean isPersistent() {
        return persistent;
    }

    /** The name of its changelog topic for this application: {@code <applicationId>-<name>-changelog}. */
    public String changelogTopic(String applicationId) {
        return applicationId + "-" + name + "-changelog";
    }

    @Override
    public String toString() {
        return "StoreDefinition[" + name + (persistent ? ", persistent]" : ", in memory]");
    }
}
