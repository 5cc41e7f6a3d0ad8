package dev.eos.internals.state;

import dev.eos.StoreDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;

/**
 * One store's instance for one input partition: its committed {@link BaseStore}, its changelog partition, and
 * where the local copy stands in that changelog. Commits fold the writes of committed records into the base
 * (poll thread); the overlay entries they replace are released, or kept a little longer while a scan is open
 * so that the scan sees each entry in the overlay or in the base.
 */
final class StorePartition {

    final StoreDefinition<?, ?> definition;
    final int partition;
    final TopicPartition changelog;
    volatile BaseStore base;
    /** Changelog offset from which the local copy must be restored; -1: from the beginning. */
    long restoreFrom = -1;
    /** Position in the changelog after the restore. */
    volatile long restoredTo;
    /** Changelog records read by the restore. */
    long restoredRecords;
    /** The highest changelog offset this instance wrote, or -1. */
    private final AtomicLong maxWritten = new AtomicLong(-1);
    private final AtomicInteger openScans = new AtomicInteger();
    private List<Write> unreleased = new ArrayList<>();
    volatile boolean closed;
    /** A fold failed part way: the local copy must not get a checkpoint. */
    volatile boolean broken;

    StorePartition(StoreDefinition<?, ?> definition, int partition, String changelogTopic, BaseStore base) {
        this.definition = definition;
        this.partition = partition;
        this.changelog = new TopicPartition(changelogTopic, partition);
        this.base = base;
    }

    String name() {
        return definition.name();
    }

    /** A write of this store reached the changelog at {@code offset}. */
    void written(long offset) {
        maxWritten.accumulateAndGet(offset, Math::max);
    }

    /** Folds committed writes (in commit order) into the base. Poll thread. */
    void fold(List<Write> writes) {
        if (closed) {
            return;
        }
        List<byte[][]> entries = new ArrayList<>(writes.size());
        for (Write w : writes) {
            entries.add(new byte[][] {w.key, w.value});
        }
        try {
            base.write(entries);
        } catch (RuntimeException e) {
            broken = true;
            throw e;
        }
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

    /** The changelog offset the local copy reflects, once nothing of this partition is open or committing. */
    long checkpointOffset() {
        return Math.max(restoredTo, maxWritten.get() + 1);
    }

    @Override
    public String toString() {
        return "store '" + name() + "' of partition " + partition;
    }
}
