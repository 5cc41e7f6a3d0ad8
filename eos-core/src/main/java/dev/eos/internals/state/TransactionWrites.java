package dev.eos.internals.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The store writes of one transaction, reduced to the last one per store partition and key: when the transaction
 * commits, its changelog holds the value each key had at its end (a later write of a key in the same transaction
 * replaces the earlier one, which no reader of the changelog could see anyway), and that value is what the
 * committed store gets. Filled on the poll thread as records are sent (an append); reduced, sent and folded on
 * the committer thread.
 */
public final class TransactionWrites {

    /** The write of a store partition and key, compared by both. */
    private static final class Slot {
        final Write write;

        Slot(Write write) {
            this.write = write;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slot s && s.write.store == write.store && Arrays.equals(s.write.key, write.key);
        }

        @Override
        public int hashCode() {
            return write.hash;
        }
    }

    private final List<StateWrites> sent = new ArrayList<>();
    private Map<Slot, Write> last;

    /** Adds the writes of a record sent in this transaction. Poll thread. */
    public void add(StateWrites writes) {
        sent.add(writes);
    }

    public boolean isEmpty() {
        return sent.isEmpty();
    }

    /** The last write per store partition and key, in the order the keys were first written. */
    private Map<Slot, Write> last() {
        if (last == null) {
            int n = 0;
            for (StateWrites sw : sent) {
                n += sw.writes.size();
            }
            last = new LinkedHashMap<>(Math.max(16, n * 4 / 3 + 1));
            for (StateWrites sw : sent) {
                for (Write w : sw.writes) {
                    last.put(new Slot(w), w);
                }
            }
        }
        return last;
    }

    /**
     * Sends one changelog record per written key into the transaction of {@code producer}; each store learns the
     * offsets it reached. A failed send fails the commit that follows (the producer is then in error).
     */
    public void send(Producer<byte[], byte[]> producer) {
        for (Write w : last().values()) {
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
        if (!sent.isEmpty()) {
            StateWrites.foldAll(List.of(new StateWrites(new ArrayList<>(last().values()))));
        }
    }
}
