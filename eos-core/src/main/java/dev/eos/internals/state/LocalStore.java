package dev.eos.internals.state;

import dev.eos.StoreDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * One store's local copy for one input partition: its committed {@link BaseStore}, its changelog partition, and
 * where the copy stands in that changelog. The position moves only with what is folded into the copy, in the same
 * write batch: the changelog records of a committed transaction (the offset after the last of them, from that
 * transaction's own acknowledgements) or a restore batch (the restore consumer's position). An aborted
 * transaction's appends never move it. The overlay entries a fold replaces are released, or kept a little longer
 * while a scan is open so that the scan sees each entry in the overlay or in the base.
 */
final class LocalStore {

    final StoreDefinition<?, ?> definition;
    final int partition;
    final TopicPartition changelog;
    /** The changelog's topic id, or {@link Uuid#ZERO_UUID} if unknown. */
    final Uuid changelogId;
    volatile BaseStore base;
    /** Changelog offset the restore starts at (the copy's position when opened); -1: from the beginning. */
    long restoreFrom = -1;
    /** Changelog records read by the restore of the current assignment. */
    volatile long restoredRecords;
    /** Changelog records the restore still has to read, as of its last batch; 0 once done. */
    volatile long restoreRemaining;
    private final AtomicInteger openScans = new AtomicInteger();
    private List<Write> unreleased = new ArrayList<>();
    volatile boolean closed;

    LocalStore(StoreDefinition<?, ?> definition, int partition, String changelogTopic, Uuid changelogId,
            BaseStore base) {
        this.definition = definition;
        this.partition = partition;
        this.changelog = new TopicPartition(changelogTopic, partition);
        this.changelogId = changelogId == null ? Uuid.ZERO_UUID : changelogId;
        this.base = base;
    }

    String name() {
        return definition.name();
    }

    /** The position of a copy that reflects the changelog up to (not including) {@code offset}, recorded now. */
    ChangelogPosition positionAt(long offset) {
        return new ChangelogPosition(offset, System.currentTimeMillis(), changelogId);
    }

    /**
     * Folds the writes of a committed transaction (in commit order) into the base, with the position after its last
     * changelog record of this store ({@code nextOffset}; -1 leaves the position where it is: replaying records
     * the copy already holds is harmless, skipping records it lacks is not). Committer thread.
     */
    void fold(List<Write> writes, long nextOffset) {
        if (closed) {
            return;
        }
        List<byte[][]> entries = new ArrayList<>(writes.size());
        for (Write w : writes) {
            entries.add(new byte[][] {w.key, w.value});
        }
        base.write(entries, nextOffset < 0 ? null : positionAt(nextOffset));
        unreleased.addAll(writes);
        if (openScans.get() == 0) {
            for (Write w : unreleased) {
                w.overlay.release(w.key, w.entry);
            }
            unreleased = new ArrayList<>();
        }
    }

    /** A scan begins: overlay entries are not released until it ends. */
    void scanOpened() {
        openScans.incrementAndGet();
    }

    void scanClosed() {
        openScans.decrementAndGet();
    }

    @Override
    public String toString() {
        return "store '" + name() + "' of partition " + partition;
    }
}
