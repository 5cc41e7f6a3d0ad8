package dev.eos.internals.state;

import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The writes of one store partition that completed in one partition epoch and are not yet folded into the
 * committed {@link BaseStore}: what later records read before those writes commit (read your writes). An abort
 * starts a new epoch with an empty overlay, which drops exactly the writes that did not commit.
 */
final class Overlay {

    /** One write; its identity tells whether a later write replaced it. A null value is a deletion. */
    static final class Entry {
        final byte[] value;

        Entry(byte[] value) {
            this.value = value;
        }
    }

    private final ConcurrentSkipListMap<byte[], Entry> entries = new ConcurrentSkipListMap<>(KeyOrder.ORDER);

    /** The newest write of {@code key}, or null if it has none. */
    Entry get(byte[] key) {
        return entries.get(key);
    }

    /** Makes a write visible; returns its entry. */
    Entry put(byte[] key, byte[] value) {
        Entry e = new Entry(value);
        entries.put(key, e);
        return e;
    }

    /** Forgets {@code entry} once it is committed, unless a later write replaced it. */
    void release(byte[] key, Entry entry) {
        entries.remove(key, entry);
    }

    /** A cursor over [from, to]; deletions appear with a null value. */
    Cursor cursor(byte[] from, byte[] to) {
        return new MemoryBaseStore.MapCursor<>(KeyOrder.view(entries, from, to).entrySet().iterator(),
                e -> e.value);
    }

    int size() {
        return entries.size();
    }
}
