package dev.eos.internals.state;

import java.util.Arrays;
import java.util.Comparator;

/** The order of serialized keys in every store: unsigned lexicographic bytes, as RocksDB sorts them. */
final class KeyOrder {

    static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private KeyOrder() {
    }

    /** Whether {@code key} lies in [from, to], a null bound being open. */
    static boolean within(byte[] key, byte[] from, byte[] to) {
        return (from == null || ORDER.compare(key, from) >= 0) && (to == null || ORDER.compare(key, to) <= 0);
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

    /** The smallest key greater than every key starting with {@code prefix}, or null if there is none. */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }
}
