package dev.eos;

/**
 * One entry of a {@link KeyValueStore}.
 *
 * @param key the key
 * @param value the value
 * @param <K> key type
 * @param <V> value type
 */
public record KeyValue<K, V>(K key, V value) {
}
