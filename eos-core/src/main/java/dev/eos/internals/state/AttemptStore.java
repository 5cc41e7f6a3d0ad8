package dev.eos.internals.state;

import dev.eos.KeyValueIterator;
import dev.eos.KeyValueStore;
import dev.eos.NonRetryableException;
import dev.eos.StoreDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link KeyValueStore} as one attempt sees it: reads look at the attempt's own writes, then the epoch's
 * overlay, then the committed base; writes stay in the attempt until it succeeds ({@link AttemptState#complete}).
 * The user's thread uses it while another may end it (the timer on a timeout, the poll thread on a dropped
 * epoch): its methods hold its lock, so that an end sees every write made before it and refuses every later one.
 */
final class AttemptStore<K, V> implements KeyValueStore<K, V> {

    /** A changelog record's size beside its key and value, upper bound: the batch header and the record's own. */
    private static final int RECORD_OVERHEAD = 128;

    private final StoreDefinition<K, V> definition;
    private final EpochStores.Layered layered;
    private final String topic;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final String source;
    /** This attempt's writes, the last per key; a null value is a deletion. */
    final NavigableMap<byte[], byte[]> own = new TreeMap<>(KeyOrder.ORDER);
    private final List<MergedIterator<K, V>> iterators = new ArrayList<>(0);
    private boolean closed;

    AttemptStore(StoreDefinition<K, V> definition, EpochStores.Layered layered, String source) {
        this.definition = definition;
        this.layered = layered;
        this.topic = layered.store.changelog.topic();
        this.keySerializer = definition.keySerde().serializer();
        this.valueSerializer = definition.valueSerde().serializer();
        this.keyDeserializer = definition.keySerde().deserializer();
        this.valueDeserializer = definition.valueSerde().deserializer();
        this.source = source;
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public int partition() {
        return layered.store.partition;
    }

    @Override
    public synchronized V get(K key) {
        byte[] k = serializeKey(key);
        return deserialize(k, rawGet(k));
    }

    private byte[] rawGet(byte[] k) {
        checkOpen();
        if (own.containsKey(k)) {
            return own.get(k);
        }
        Overlay.Entry e = layered.overlay.get(k);
        if (e != null) {
            return e.value;
        }
        return layered.store.base.get(k);
    }

    @Override
    public synchronized void put(K key, V value) {
        byte[] k = serializeKey(key);
        checkOpen();
        own.put(k, serializeValue(key, k, value));
    }

    @Override
    public synchronized V putIfAbsent(K key, V value) {
        byte[] k = serializeKey(key);
        byte[] old = rawGet(k);
        if (old == null) {
            own.put(k, serializeValue(key, k, value));
            return null;
        }
        return deserialize(k, old);
    }

    @Override
    public synchronized V delete(K key) {
        byte[] k = serializeKey(key);
        byte[] old = rawGet(k);
        own.put(k, null);
        return old == null ? null : deserialize(k, old);
    }

    @Override
    public synchronized KeyValueIterator<K, V> range(K from, K to) {
        return scan(from == null ? null : serializeKey(from), to == null ? null : serializeKey(to), null);
    }

    @Override
    public synchronized KeyValueIterator<K, V> prefixScan(K prefix) {
        byte[] p = serializeKey(prefix);
        return scan(p, null, p);
    }

    @Override
    public synchronized KeyValueIterator<K, V> all() {
        return scan(null, null, null);
    }

    private KeyValueIterator<K, V> scan(byte[] from, byte[] to, byte[] prefix) {
        checkOpen();
        LocalStore sp = layered.store;
        long scan = sp.scanOpened(); // before the base cursor: entries folded from here on stay until it ends
        NavigableMap<byte[], byte[]> mine = KeyOrder.view(own, from, to);
        Cursor[] cursors;
        try {
            cursors = new Cursor[] {new MemoryBaseStore.MapCursor<>(new TreeMap<>(mine).entrySet().iterator(), v -> v),
                layered.overlay.cursor(from, to), sp.base.cursor(from, to)};
        } catch (RuntimeException e) {
            sp.scanClosed(scan);
            throw e;
        }
        MergedIterator<K, V> it = new MergedIterator<>(cursors, prefix,
                k -> keyDeserializer.deserialize(topic, k), v -> deserialize(null, v), () -> sp.scanClosed(scan));
        iterators.add(it);
        return it;
    }

    private byte[] serializeKey(K key) {
        if (key == null) {
            throw new IllegalArgumentException("Store '" + name() + "': keys must not be null");
        }
        return keySerializer.serialize(topic, key);
    }

    /**
     * The serialized value, checked against what the changelog accepts: a write whose changelog record would be
     * refused would fail every commit that sends it, so it fails its record here.
     */
    private byte[] serializeValue(K key, byte[] k, V value) {
        if (value == null) {
            return null;
        }
        byte[] v = valueSerializer.serialize(topic, value);
        long recordBytes = (long) k.length + v.length + RECORD_OVERHEAD;
        if (recordBytes > layered.store.maxRecordBytes) {
            throw new NonRetryableException("A value of store '" + name() + "' (partition " + partition() + ", key "
                    + key + ") written by " + source + " is " + v.length + " bytes serialized; its changelog "
                    + topic + " accepts records of at most " + layered.store.maxRecordBytes + " bytes (the smaller of "
                    + "the topic's max.message.bytes and the producer's max.request.size)");
        }
        return v;
    }

    private V deserialize(byte[] key, byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return valueDeserializer.deserialize(topic, value);
        } catch (RuntimeException e) {
            throw new NonRetryableException("Cannot deserialize a value of store '" + name() + "' (partition "
                    + partition() + (key == null ? "" : ", key " + describe(key)) + ") read by " + source + ": " + e,
                    e);
        }
    }

    private String describe(byte[] key) {
        try {
            return String.valueOf(keyDeserializer.deserialize(topic, key));
        } catch (RuntimeException e) {
            return key.length + " bytes";
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Store '" + name() + "' was used after the attempt of " + source
                    + " ended: a store is valid only during the process() call it was given to, or, for an "
                    + "asynchronous processor, until the stage that call returned completes");
        }
    }

    /** Ends the attempt's use: open iterators are closed. */
    synchronized void close() {
        closed = true;
        for (MergedIterator<K, V> it : iterators) {
            it.close();
        }
    }

    EpochStores.Layered layered() {
        return layered;
    }

    synchronized Map<byte[], byte[]> writes() {
        return own;
    }
}
