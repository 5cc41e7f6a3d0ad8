package dev.eos.internals.state;

import java.util.Arrays;
import java.util.Comparator;

/** The order of serialized keys in every store: unsigned lexicographic bytes, as RocksDB sorts them. */
final class KeyOrder {

    static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private KeyOrder() {
    }

    /** The entries of {@code map} in [from, to], a null bound being open. */
    static <V> java.util.NavigableMap<byte[], V> view(java.util.NavigableMap<byte[], V> map, byte[] from, byte[] to) {
        if (from != null && to != null) {
            return map.subMap(from, true, to, true);
        } else if (from != null) {
            return map.tailMap(from, true);
        } else if (to != null) {
            return map.headMap(to, true);
        }
        return map;
    }
}
