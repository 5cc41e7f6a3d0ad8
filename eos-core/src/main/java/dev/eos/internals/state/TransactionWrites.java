package dev.eos.internals.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The store writes of one transaction, the last one per store partition and key: when the transaction commits,
 * its changelog holds the value each key had at its end (a later write of a key in the same transaction replaces
 * the earlier one, which no reader of the changelog could see anyway), and that value is what the committed store
 * gets. Filled on the poll thread as records are sent; sent and folded on the committer thread.
 */
public final class TransactionWrites {

    /** A store partition and a serialized key. */
    private static final class Slot {
        final StorePartition store;
        final byte[] key;
        final int hash;

        Slot(StorePartition store, byte[] key) {
            this.store = store;
            this.key = key;
            this.hash = 31 * System.identityHashCode(store) + Arrays.hashCode(key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slot s && s.store == store && Arrays.equals(s.key, key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Map<Slot, Write> last = new LinkedHashMap<>();

    /** Adds the writes of a record sent in this transaction. */
    public void add(StateWrites writes) {
        for (Write w : writes.writes) {
            last.put(new Slot(w.store, w.key), w);
        }
    }

    public boolean isEmpty() {
        return last.isEmpty();
    }

    /** Changelog records this transaction writes. */
    public int size() {
        return last.size();
    }

    /**
     * Sends one changelog record per written key into the transaction of {@code producer}; each store learns the
     * offsets it reached. A failed send fails the commit that follows (the producer is then in error).
     */
    public void send(Producer<byte[], byte[]> producer) {
        for (Write w : last.values()) {
            StorePartition sp = w.store;
            producer.send(new ProducerRecord<>(sp.changelog.topic(), sp.partition, w.key, w.value), (md, e) -> {
                if (e == null) {
                    sp.written(md.offset());
                }
            });
        }
    }

    /** The transaction committed: its writes go into the committed stores. */
    public void fold() {
        if (!last.isEmpty()) {
            StateWrites.foldAll(List.of(new StateWrites(new ArrayList<>(last.values()))));
        }
    }
}
