package dev.eos.internals.state;

import dev.eos.StoreDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local state of one pipeline instance: the state directory and its lock, the stores of each assigned input
 * partition, their restore on the {@link Restorer} thread, the fold of committed writes, and checkpoints on a
 * clean close. Used by the poll thread, except {@link #open} and {@link #wipe} (restore thread).
 */
public final class StateManager {

    private static final Logger log = LoggerFactory.getLogger(StateManager.class);

    private final String app;
    private final Map<String, StoreDefinition<?, ?>> declared;
    private final StateDirectory directory;
    private final long memoryBytes;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private RocksResources rocks;
    private Restorer restorer;
    private Thread thread;

    /**
     * @param declared the pipeline's stores by name
     * @param stateDir {@code state.dir}
     * @param memoryBytes {@code state.memory.bytes}, shared by the RocksDB stores of the process
     */
    public StateManager(String app, Map<String, StoreDefinition<?, ?>> declared, Path stateDir, long memoryBytes) {
        this.app = app;
        this.declared = declared;
        this.directory = new StateDirectory(stateDir, app);
        this.memoryBytes = memoryBytes;
    }

    /**
     * Locks the state directory and starts the restore thread with its two consumers (read_committed for the
     * records, read_uncommitted for the high watermarks).
     *
     * @throws IllegalStateException if another instance holds the state directory
     */
    public void start(Consumer<byte[], byte[]> committed, Consumer<byte[], byte[]> uncommitted) {
        directory.lock();
        if (declared.values().stream().anyMatch(StoreDefinition::isPersistent)) {
            rocks = RocksResources.acquire(memoryBytes);
        }
        restorer = new Restorer(app, this, committed, uncommitted);
        thread = new Thread(restorer, "eos-" + app + "-restore");
        thread.setDaemon(true);
        thread.start();
    }

    /** Partitions were assigned: their stores are restored before they run (the caller pauses them). */
    public void assigned(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            if (partitions.containsKey(tp)) {
                continue;
            }
            PartitionState p = new PartitionState(tp);
            for (StoreDefinition<?, ?> d : declared.values()) {
                StorePartition sp = new StorePartition(d, tp.partition(), d.changelogTopic(app), null);
                sp.restoreFrom = d.isPersistent() ? directory.takeCheckpoint(d.name(), tp.partition()) : -1;
                p.stores.put(d.name(), sp);
            }
            partitions.put(tp, p);
            restorer.submit(p);
        }
    }

    /**
     * The partitions restored since the last call, to resume.
     *
     * @throws IllegalStateException if the restore thread failed
     */
    public List<TopicPartition> takeRestored() {
        Throwable failed = restorer.failure;
        if (failed != null) {
            throw new IllegalStateException("Restoring the state stores failed: " + failed, failed);
        }
        if (!restorer.finishedAny.getAndSet(false)) {
            return List.of(); // the common case, on every iteration of the poll loop: nothing new
        }
        List<TopicPartition> out = null;
        for (PartitionState p : partitions.values()) {
            if (p.restored && !p.cancelled && p.settled.getCount() == 0 && !p.resumed) {
                p.resumed = true;
                if (out == null) {
                    out = new ArrayList<>();
                }
                out.add(p.input);
            }
        }
        return out == null ? List.of() : out;
    }

    /** Whether {@code tp} is assigned and its stores are not restored yet (it must stay paused). */
    public boolean isRestoring(TopicPartition tp) {
        PartitionState p = partitions.get(tp);
        return p != null && !p.resumed;
    }

    /** The stores of {@code tp} for a new partition epoch (fresh overlays over the committed stores). */
    public PartitionStores epochStores(TopicPartition tp) {
        PartitionState p = partitions.get(tp);
        if (p == null || !p.restored) {
            throw new IllegalStateException("Records of " + tp + " arrived before its stores were restored");
        }
        return new PartitionStores(p.stores);
    }

    /**
     * Closes the stores of partitions revoked or lost: their restore stops, and a restored persistent store gets a
     * checkpoint (nothing of the partition is open or committing by then).
     */
    public void close(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            PartitionState p = partitions.remove(tp);
            if (p == null) {
                continue;
            }
            p.cancelled = true;
            try {
                if (!p.settled.await(60, TimeUnit.SECONDS)) {
                    log.warn("[app={}] the restore of {} did not stop within 60 s; its stores are left open", app, tp);
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                continue;
            }
            for (StorePartition sp : p.stores.values()) {
                closeStore(sp, p.restored);
            }
        }
    }

    private void closeStore(StorePartition sp, boolean restored) {
        sp.closed = true;
        BaseStore base = sp.base;
        if (base == null) {
            return;
        }
        try {
            if (restored && sp.definition.isPersistent() && !sp.broken) {
                base.flush();
                directory.writeCheckpoint(sp.name(), sp.partition, sp.checkpointOffset());
            }
        } catch (RuntimeException e) {
            log.warn("[app={}] {}: no checkpoint written ({}); it is rebuilt from its changelog next time", app, sp,
                    e.toString());
        } finally {
            base.close();
        }
    }

    /**
     * Closes every store, stops the restore thread and unlocks the state directory; {@code checkpoint}: after a
     * clean stop, the persistent stores get checkpoints (otherwise they are rebuilt next time).
     */
    public void close(boolean checkpoint) {
        if (!checkpoint) {
            for (PartitionState p : partitions.values()) {
                for (StorePartition sp : p.stores.values()) {
                    sp.broken = true;
                }
            }
        }
        close(new ArrayList<>(partitions.keySet()));
        if (restorer != null) {
            restorer.stop();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (rocks != null) {
            RocksResources.release();
            rocks = null;
        }
        directory.unlock();
    }

    /** Opens the committed store of {@code sp}; a local copy that cannot be opened is deleted. Restore thread. */
    void open(StorePartition sp) {
        if (sp.base != null) {
            return; // opened before a restore that starts over
        }
        if (!sp.definition.isPersistent()) {
            sp.base = new MemoryBaseStore();
            return;
        }
        if (sp.restoreFrom < 0) {
            directory.wipe(sp.name(), sp.partition); // no checkpoint: the local copy is not trusted
        }
        try {
            sp.base = openRocks(sp);
        } catch (RocksDBException | java.io.IOException e) {
            log.warn("[app={}] {}: cannot open {} ({}); deleting it and rebuilding from the changelog", app, sp,
                    directory.dbDir(sp.name(), sp.partition), e.toString());
            wipe(sp);
        }
    }

    private RocksBaseStore openRocks(StorePartition sp) throws RocksDBException, java.io.IOException {
        Path dir = directory.dbDir(sp.name(), sp.partition);
        java.nio.file.Files.createDirectories(dir);
        return new RocksBaseStore(dir, rocks);
    }

    /** Deletes the local copy of {@code sp} and opens an empty one; the restore starts from the beginning. */
    void wipe(StorePartition sp) {
        if (sp.base != null) {
            sp.base.close();
        }
        sp.restoreFrom = -1;
        if (!sp.definition.isPersistent()) {
            sp.base = new MemoryBaseStore();
            return;
        }
        directory.wipe(sp.name(), sp.partition);
        try {
            sp.base = openRocks(sp);
        } catch (RocksDBException | java.io.IOException e) {
            throw new IllegalStateException("Cannot create the store " + directory.dbDir(sp.name(), sp.partition)
                    + ": " + e, e);
        }
    }
}
