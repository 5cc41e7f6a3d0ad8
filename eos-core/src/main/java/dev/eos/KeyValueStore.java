package dev.eos;

/**
 * One partition's instance of a declared {@link StoreDefinition}, as seen by one attempt of one record. Reads see
 * the committed state, the writes of earlier records that completed (even before they commit), and this attempt's
 * own writes. Writes become visible to later records when the attempt succeeds and are discarded when it fails;
 * they are committed in the same transaction as the record's offset, or not at all.
 *
 * <p>Keys are ordered by their serialized bytes (unsigned, lexicographic) in {@link #range} and
 * {@link #prefixScan}: for strings in UTF-8 that is their natural order.
 *
 * <p>With {@link Ordering#KEY}, records of different keys run at the same time: a record should change only the
 * entries that belong to its own key (a read-modify-write of an entry shared by several keys races). Use
 * {@link Ordering#PARTITION} when records of different keys update the same entries.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface KeyValueStore<K, V> {

    /** The store's name. */
    String name();

    /** The input partition whose instance this is. */
    int partition();

    /**
     * The value of {@code key}, or null.
     *
     * @throws NonRetryableException if the stored value cannot be deserialized (the record takes its failure action)
     */
    V get(K key);

    /** Sets the value of {@code key}; a null value deletes it. */
    void put(K key, V value);

    /** Sets the value of {@code key} if it has none; returns the value it had, or null. */
    V putIfAbsent(K key, V value);

    /** Deletes {@code key}; returns the value it had, or null. */
    V delete(K key);

    /**
     * The entries from {@code from} to {@code to}, both included, in key order; a null bound is open. Close the
     * iterator (try-with-resources); the ones left open are closed when the attempt ends.
     */
    KeyValueIterator<K, V> range(K from, K to);

    /** The entries whose serialized key starts with the serialized {@code prefix}, in key order. */
    KeyValueIterator<K, V> prefixScan(K prefix);

    /** Every entry, in key order. */
    KeyValueIterator<K, V> all();
}
