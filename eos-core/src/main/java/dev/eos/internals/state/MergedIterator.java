package dev.eos.internals.state;

import dev.eos.KeyValue;
import dev.eos.KeyValueIterator;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * The entries of several sorted cursors as one: for each key the first cursor that has it wins (the attempt's
 * own writes, then the overlay, then the committed base), deletions hide the key, and the scan stops at the
 * first key outside the prefix, if one is given.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class MergedIterator<K, V> implements KeyValueIterator<K, V> {

    private final Cursor[] cursors;
    private final byte[] prefix;
    private final Function<byte[], K> keys;
    private final Function<byte[], V> values;
    private final Runnable onClose;
    private KeyValue<K, V> next;
    private boolean closed;

    MergedIterator(Cursor[] cursors, byte[] prefix, Function<byte[], K> keys, Function<byte[], V> values,
            Runnable onClose) {
        this.cursors = cursors;
        this.prefix = prefix;
        this.keys = keys;
        this.values = values;
        this.onClose = onClose;
    }

    @Override
    public synchronized boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (closed) {
            return false;
        }
        while (true) {
            byte[] smallest = null;
            for (Cursor c : cursors) {
                if (c.valid() && (smallest == null || KeyOrder.ORDER.compare(c.key(), smallest) < 0)) {
                    smallest = c.key();
                }
            }
            if (smallest == null || (prefix != null && !startsWith(smallest, prefix))) {
                return false;
            }
            byte[] value = null;
            boolean found = false;
            for (Cursor c : cursors) {
                if (c.valid() && Arrays.equals(c.key(), smallest)) {
                    if (!found) {
                        value = c.value();
                        found = true;
                    }
                    c.next();
                }
            }
            if (value != null) {
                next = new KeyValue<>(keys.apply(smallest), values.apply(value));
                return true;
            }
        }
    }

    @Override
    public synchronized KeyValue<K, V> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        KeyValue<K, V> out = next;
        next = null;
        return out;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        next = null;
        for (Cursor c : cursors) {
            c.close();
        }
        onClose.run();
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
