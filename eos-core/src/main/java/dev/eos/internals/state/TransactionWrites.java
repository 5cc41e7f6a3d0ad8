package dev.eos.internals.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The store writes of one transaction, reduced to the last one per store partition and key: when the transaction
 * commits, its changelog holds the value each key had at its end (a later write of a key in the same transaction
 * replaces the earlier one, which no reader of the changelog could see anyway), and that value is what the
 * committed store gets. Filled on the poll thread as records are sent (an append); reduced, sent and folded on
 * the committer thread, which also learns from the sends' acknowledgements where each store's changelog records
 * of this transaction end: the position the fold records.
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
    /** Per store, the highest changelog offset this transaction's sends were acknowledged at (-1: none yet). */
    private final Map<LocalStore, AtomicLong> acknowledged = new HashMap<>();

    private long bytes;

    /** Adds the writes of a record sent in this transaction. Poll thread. */
    public void add(StateWrites writes) {
        sent.add(writes);
        bytes += writes.bytes();
    }

    /**
     * The size of the writes added, as changelog records: they stay in memory (the overlay, this transaction) until
     * the fold or the abort, and count against max.in.flight.bytes until then. Poll thread.
     */
    public long bytes() {
        return bytes;
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
     * Sends one changelog record per written key into the transaction of {@code producer}, noting the offset each
     * is acknowledged at. A failed send fails the commit that follows (the producer is then in error). Committer
     * thread; the acknowledgements arrive on the producer's thread before its {@code flush()} returns.
     */
    public void send(Producer<byte[], byte[]> producer) {
        for (Write w : last().values()) {
            LocalStore sp = w.store;
            AtomicLong ack = acknowledged.computeIfAbsent(sp, k -> new AtomicLong(-1));
            producer.send(new ProducerRecord<>(sp.changelog.topic(), sp.partition, w.key, w.value), (md, e) -> {
                if (e == null) {
                    ack.accumulateAndGet(md.offset(), Math::max);
                }
            });
        }
    }

    /**
     * The transaction committed: its writes go into the committed stores, each with the position after its last
     * changelog record of this transaction. Committer thread, after the commit and before anyone learns of it.
     */
    public void fold() {
        if (sent.isEmpty()) {
            return;
        }
        Map<LocalStore, List<Write>> byStore = new LinkedHashMap<>();
        for (Write w : last().values()) {
            byStore.computeIfAbsent(w.store, k -> new ArrayList<>()).add(w);
        }
        byStore.forEach((store, writes) -> {
            AtomicLong ack = acknowledged.get(store);
            store.fold(writes, ack == null || ack.get() < 0 ? -1 : ack.get() + 1);
        });
    }
}
