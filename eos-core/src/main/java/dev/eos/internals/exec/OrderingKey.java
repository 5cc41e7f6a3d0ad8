package dev.eos.internals.exec;

import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * What must run one at a time in {@link dev.eos.Ordering#KEY} order: one key's serialized bytes within one input
 * partition. It does not name the partition's epoch, so work taken before a rebalance or a reset never runs
 * beside work of the same key taken after it. In {@code PARTITION} order the {@link TopicPartition} itself is the
 * key.
 */
public final class OrderingKey {
    private final TopicPartition tp;
    private final byte[] key;
    private final int hash;

    public OrderingKey(TopicPartition tp, byte[] key) {
        this.tp = tp;
        this.key = key;
        this.hash = 31 * tp.hashCode() + (key == null ? 0 : Arrays.hashCode(key));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OrderingKey)) {
            return false;
        }
        OrderingKey other = (OrderingKey) o;
        return hash == other.hash && Objects.equals(tp, other.tp) && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return tp + (key == null ? "/null-key" : "/key(" + key.length + " bytes)");
    }
}
