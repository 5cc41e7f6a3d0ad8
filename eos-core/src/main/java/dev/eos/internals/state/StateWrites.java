package dev.eos.internals.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The store writes of one record whose attempt succeeded: visible in the overlays, sent as changelog records in
 * the transaction that commits the record's offset, and folded into the committed stores when it commits.
 */
public final class StateWrites {

    final List<Write> writes;
    private final List<ProducerRecord<byte[], byte[]>> records;

    StateWrites(List<Write> writes, List<ProducerRecord<byte[], byte[]>> records) {
        this.writes = writes;
        this.records = records;
    }

    /** The changelog records, one per written key. */
    public List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    /** The changelog record at {@code index} was written at {@code offset}. */
    public void written(int index, long offset) {
        writes.get(index).store.written(offset);
    }

    /** Folds the writes of committed records (in commit order) into their committed stores. */
    static void foldAll(List<StateWrites> committed) {
        Map<StorePartition, List<Write>> byStore = new LinkedHashMap<>();
        for (StateWrites sw : committed) {
            for (Write w : sw.writes) {
                byStore.computeIfAbsent(w.store, k -> new ArrayList<>()).add(w);
            }
        }
        byStore.forEach(StorePartition::fold);
    }

    /** Serialized size of the changelog records. */
    public long bytes() {
        long n = 0;
        for (Write w : writes) {
            n += w.key.length + (w.value == null ? 0 : w.value.length) + 64;
        }
        return n;
    }
}
