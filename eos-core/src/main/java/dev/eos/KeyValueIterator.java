package dev.eos;

import java.util.Iterator;

/**
 * Entries of a {@link KeyValueStore} in key order. It holds resources of the store: close it when done (it is
 * closed anyway when the attempt that opened it ends).
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface KeyValueIterator<K, V> extends Iterator<KeyValue<K, V>>, AutoCloseable {

    /** Releases the iterator; idempotent. */
    @Override
    void close();
}
