package dev.eos.internals.state;

import dev.eos.StoreDefinition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * One store's local copy for one input partition: its committed {@link BaseStore}, its changelog partition, and
 * where the copy stands in that changelog. The position moves only with what is folded into the copy, in the same
 * write batch: the changelog records of a committed transaction (the offset after the last of them, from that
 * transaction's own acknowledgements) or a restore batch (the restore consumer's position). An aborted
 * transaction's appends never move it. The overlay entries a fold replaces are released, or kept a little longer
 * while a scan that opened before that fold is open, so that the scan sees each entry in the overlay or in the
 * base; so the overlay holds at most the folds since the oldest open scan began, even if scans always overlap.
 */
final class LocalStore {

    final StoreDefinition<?, ?> definition;
    final int partition;
    final TopicPartition changelog;
    /** The changelog's topic id, or {@link Uuid#ZERO_UUID} if unknown. */
    final Uuid changelogId;
    volatile BaseStore base;
    /** The largest changelog record a commit can send; a larger write fails its record at once. */
    final int maxRecordBytes;
    /** Changelog offset the restore starts at (the copy's position when opened); -1: from the beginning. */
    long restoreFrom = -1;
    /** Whether {@link #base} was created empty when it was opened (no local copy existed): it needs no wipe. */
    boolean createdEmpty;
    /** Changelog records read by the restore of the current assignment. */
    volatile long restoredRecords;
    /** Changelog records the restore still has to read, as of its last batch; 0 once done. */
    volatile long restoreRemaining;
    /** Folds so far; a scan notes the count when it opens. Guarded by {@code this}. */
    private long folds;
    /** Open scans by the fold count they opened at. Guarded by {@code this}. */
    private final TreeMap<Long, Integer> openScans = new TreeMap<>();
    /** Folded writes still in the overlay, by the fold (1, 2, ...) that folded them. Guarded by {@code this}. */
    private final ArrayDeque<Folded> unreleased = new ArrayDeque<>();

    private record Folded(long fold, List<Write> writes) {
    }

    volatile boolean closed;

    LocalStore(StoreDefinition<?, ?> definition, int partition, String changelogTopic, Uuid changelogId,
            BaseStore base) {
        this(definition, partition, changelogTopic, changelogId, base, Integer.MAX_VALUE);
    }

    /** @param maxRecordBytes the largest changelog record a commit can send ({@link ChangelogTopics.Changelog}) */
    LocalStore(StoreDefinition<?, ?> definition, int partition, String changelogTopic, Uuid changelogId,
            BaseStore base, int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
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
        List<Folded> releasable = new ArrayList<>();
        synchronized (this) {
            unreleased.addLast(new Folded(++folds, writes));
            // a scan that opened after fold n reads fold n's writes from the base; only older scans need them
            long oldestScan = openScans.isEmpty() ? folds : openScans.firstKey();
            while (!unreleased.isEmpty() && unreleased.peekFirst().fold() <= oldestScan) {
                releasable.add(unreleased.pollFirst());
            }
        }
        for (Folded f : releasable) {
            for (Write w : f.writes()) {
                w.overlay.release(w.key, w.entry);
            }
        }
    }

    /**
     * A scan begins, before it opens its base cursor: the overlay keeps the entries folded from now on until it
     * ends. Returns the token to end it with.
     */
    synchronized long scanOpened() {
        openScans.merge(folds, 1, Integer::sum);
        return folds;
    }

    /** The scan that {@link #scanOpened()} returned {@code scan} for ended. */
    synchronized void scanClosed(long scan) {
        openScans.computeIfPresent(scan, (k, n) -> n == 1 ? null : n - 1);
    }

    @Override
    public String toString() {
        return "store '" + name() + "' of partition " + partition;
    }
}
