package dev.eos.internals.state;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link BaseStore} on the heap: lost on close, rebuilt from the changelog on every assignment. */
final class MemoryBaseStore implements BaseStore {

    private final ConcurrentSkipListMap<byte[], byte[]> entries = new ConcurrentSkipListMap<>(KeyOrder.ORDER);

    @Override
    public byte[] get(byte[] key) {
        return entries.get(key);
    }

    @Override
    public void write(List<byte[][]> batch, ChangelogPosition position) {
        for (byte[][] e : batch) {
            if (e[1] == null) {
                entries.remove(e[0]);
            } else {
                entries.put(e[0], e[1]);
            }
        }
    }

    /** None: a heap store is rebuilt in full on every assignment. */
    @Override
    public ChangelogPosition position() {
        return null;
    }

    @Override
    public Cursor cursor(byte[] from, byte[] to) {
        return new MapCursor<>(KeyOrder.view(entries, from, to).entrySet().iterator(), e -> e);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        entries.clear();
    }

    /** A cursor over a sorted map's entries; {@code value} maps a stored value to its bytes (null: deleted). */
    static final class MapCursor<T> implements Cursor {
        private final Iterator<Map.Entry<byte[], T>> it;
        private final java.util.function.Function<T, byte[]> value;
        private Map.Entry<byte[], T> current;

        MapCursor(Iterator<Map.Entry<byte[], T>> it, java.util.function.Function<T, byte[]> value) {
            this.it = it;
            this.value = value;
            next();
        }

        @Override
        public boolean valid() {
            return current != null;
        }

        @Override
        public byte[] key() {
            return current.getKey();
        }

        @Override
        public byte[] value() {
            return value.apply(current.getValue());
        }

        @Override
        public void next() {
            current = it.hasNext() ? it.next() : null;
        }

        @Override
        public void close() {
            current = null;
        }
    }
}
