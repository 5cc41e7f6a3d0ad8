package dev.eos.internals.state;

import dev.eos.StoreDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local state of one pipeline instance: the state directory and its lock, the stores of each assigned input
 * partition, their restore on the {@link Restorer} thread, their close (clean: flushed, so the next open restores
 * nothing; dirty: left as the last fold wrote it, which its own position describes), and the deletion of local
 * state of partitions no longer owned after {@code state.cleanup.delay.ms}. Used by the poll thread, except
 * {@link #open} and {@link #wipe} (restore thread).
 */
public final class StateManager {

    private static final Logger log = LoggerFactory.getLogger(StateManager.class);

    private final String app;
    private final Map<String, StoreDefinition<?, ?>> declared;
    private final Map<String, ChangelogTopics.Changelog> changelogs;
    private final StateDirectory directory;
    private final long memoryBytes;
    private final long cleanupDelayMs;
    private final Map<TopicPartition, TaskStores> partitions = new HashMap<>();
    /** RocksDB stores opened since start (each open reads or creates a database directory). */
    final java.util.concurrent.atomic.AtomicLong rocksOpens = new java.util.concurrent.atomic.AtomicLong();
    private RocksResources rocks;
    private Restorer restorer;
    private Thread thread;

    /**
     * @param declared the pipeline's stores by name
     * @param changelogs the changelog topics by name, as {@link ChangelogTopics#ensure} found them
     * @param stateDir {@code state.dir}
     * @param memoryBytes {@code state.memory.bytes}, shared by the RocksDB stores of the process
     * @param cleanupDelayMs {@code state.cleanup.delay.ms}
     */
    public StateManager(String app, Map<String, StoreDefinition<?, ?>> declared,
            Map<String, ChangelogTopics.Changelog> changelogs, Path stateDir, long memoryBytes, long cleanupDelayMs) {
        this.app = app;
        this.declared = declared;
        this.changelogs = changelogs;
        this.directory = new StateDirectory(stateDir, app);
        this.memoryBytes = memoryBytes;
        this.cleanupDelayMs = cleanupDelayMs;
    }

    /**
     * Locks the state directory and starts the restore thread with its two consumers (read_committed for the
     * records, read_uncommitted for the high watermarks).
     *
     * @throws IllegalStateException if another instance holds the state directory
     */
    public void start(Consumer<byte[], byte[]> committed, Consumer<byte[], byte[]> uncommitted) {
        try {
            directory.lock();
        } catch (RuntimeException e) {
            committed.close(); // the restore thread that would own them does not start
            uncommitted.close();
            throw e;
        }
        if (declared.values().stream().anyMatch(StoreDefinition::isPersistent)) {
            rocks = RocksResources.acquire(memoryBytes);
        }
        restorer = new Restorer(app, this, committed, uncommitted);
        thread = new Thread(restorer, "eos-" + app + "-restore");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Partitions were assigned: their stores are restored before they run (the caller pauses them). A partition
     * whose stores are still open here (revoked and assigned back) keeps them and its restore progress.
     */
    public void assigned(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            if (partitions.containsKey(tp)) {
                continue;
            }
            TaskStores p = new TaskStores(tp);
            for (StoreDefinition<?, ?> d : declared.values()) {
                String topic = d.changelogTopic(app);
                ChangelogTopics.Changelog c = changelogs.get(topic);
                p.stores.put(d.name(), new LocalStore(d, tp.partition(), topic, c == null ? null : c.topicId(), null,
                        c == null ? Integer.MAX_VALUE : c.maxRecordBytes()));
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
        for (TaskStores p : partitions.values()) {
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
        TaskStores p = partitions.get(tp);
        return p != null && !p.resumed;
    }

    /** The partitions being restored with the changelog records each still has to read, in partition order. */
    public Map<TopicPartition, Long> restoring() {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        partitions.values().stream().filter(p -> !p.resumed)
                .sorted((a, b) -> a.input.toString().compareTo(b.input.toString()))
                .forEach(p -> out.put(p.input, p.restoreRemaining()));
        return out;
    }

    /** Partitions whose restore finished since start. */
    public long restoresFinished() {
        return restorer == null ? 0 : restorer.finished.get();
    }

    /** Changelog records read by restores since start. */
    public long restoredRecords() {
        return restorer == null ? 0 : restorer.recordsRead.get();
    }

    /** The stores of {@code tp} for a new partition epoch (fresh overlays over the committed stores). */
    public EpochStores epochStores(TopicPartition tp) {
        TaskStores p = partitions.get(tp);
        if (p == null || !p.restored) {
            throw new IllegalStateException("Records of " + tp + " arrived before its stores were restored");
        }
        return new EpochStores(p.stores);
    }

    /**
     * Closes the stores of partitions this instance no longer owns; their restore stops first. {@code clean}
     * (revoked, or a clean stop, after the final commit): flushed, so the next open finds them current. Otherwise
     * (lost, failed, abandoned) they are closed as they are: each holds the last fold or restore batch that reached
     * its files, with its own position, and the next open restores from there.
     */
    public void close(Collection<TopicPartition> tps, boolean clean) {
        for (TopicPartition tp : tps) {
            TaskStores p = partitions.remove(tp);
            if (p == null) {
                continue;
            }
            p.cancelled = true;
            restorer.wake();
            try {
                if (!p.settled.await(60, TimeUnit.SECONDS)) {
                    log.warn("[app={}] the restore of {} did not stop within 60 s; closing its stores anyway", app,
                            tp);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (LocalStore sp : p.stores.values()) {
                closeStore(sp, clean);
            }
        }
    }

    private void closeStore(LocalStore sp, boolean clean) {
        sp.closed = true;
        BaseStore base = sp.base;
        if (base == null) {
            return;
        }
        try {
            if (clean && sp.definition.isPersistent()) {
                base.flush();
            }
        } catch (RuntimeException e) {
            log.warn("[app={}] {}: flushing on close failed ({}); it restores from its last flushed position next "
                    + "time", app, sp, e.toString());
        } finally {
            base.close();
            if (sp.definition.isPersistent()) {
                directory.touch(sp.name(), sp.partition);
            }
        }
    }

    /**
     * Closes every store (see {@link #close(Collection, boolean)}), stops the restore thread and unlocks the state
     * directory.
     */
    public void close(boolean clean) {
        close(new ArrayList<>(partitions.keySet()), clean);
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

    /**
     * Deletes the local state of partitions not owned here whose last close is more than
     * {@code state.cleanup.delay.ms} ago. Poll thread (the only one that opens stores of new partitions).
     */
    public void cleanUp(long nowMs) {
        List<String> persistent = declared.values().stream().filter(StoreDefinition::isPersistent)
                .map(StoreDefinition::name).toList();
        for (Path dir : directory.expired(persistent, cleanupDelayMs, nowMs)) {
            int partition = Integer.parseInt(dir.getFileName().toString());
            boolean owned = partitions.keySet().stream().anyMatch(tp -> tp.partition() == partition);
            if (owned) {
                continue;
            }
            try {
                StateDirectory.delete(dir);
                log.info("[app={}] deleted the local state {} of a partition not owned here for over {} ms "
                        + "(state.cleanup.delay.ms)", app, dir, cleanupDelayMs);
            } catch (RuntimeException e) {
                log.warn("[app={}] cannot delete {}: {}", app, dir, e.toString());
            }
        }
    }

    /** Opens the committed store of {@code sp}; a local copy that cannot be opened is deleted. Restore thread. */
    void open(LocalStore sp) {
        if (sp.base != null) {
            return; // opened before: a restore that resumes
        }
        if (!sp.definition.isPersistent()) {
            sp.base = new MemoryBaseStore();
            return;
        }
        try {
            boolean existed = Files.exists(directory.dbDir(sp.name(), sp.partition));
            sp.base = openRocks(sp);
            sp.createdEmpty = !existed;
        } catch (RocksDBException | java.io.IOException e) {
            log.warn("[app={}] {}: cannot open {} ({}); deleting it and rebuilding from the changelog", app, sp,
                    directory.dbDir(sp.name(), sp.partition), e.toString());
            wipe(sp);
        }
    }

    /**
     * Why the local copy of {@code sp}, at {@code position}, cannot be restored from there, or null if it can: its
     * changelog is at [{@code begin}, {@code end}].
     */
    String untrusted(LocalStore sp, ChangelogPosition position, long begin, long end, long nowMs) {
        if (position == null) {
            return "it records no changelog position";
        }
        if (!sp.changelogId.equals(Uuid.ZERO_UUID) && !position.topicId().equals(Uuid.ZERO_UUID)
                && !position.topicId().equals(sp.changelogId)) {
            return "its position is of changelog topic id " + position.topicId() + ", not " + sp.changelogId
                    + " (the topic was recreated)";
        }
        if (position.offset() < begin || position.offset() > end) {
            return "its position " + position.offset() + " is outside the changelog [" + begin + ", " + end + "]";
        }
        ChangelogTopics.Changelog c = changelogs.get(sp.changelog.topic());
        long retention = c == null ? Long.MAX_VALUE : c.deleteRetentionMs();
        if (position.offset() < end && nowMs - position.recordedAtMs() > retention) {
            return "its position was recorded " + (nowMs - position.recordedAtMs()) + " ms ago, longer than the "
                    + "changelog's delete.retention.ms (" + retention + "): deletions since may be compacted away";
        }
        return null;
    }

    private RocksBaseStore openRocks(LocalStore sp) throws RocksDBException, java.io.IOException {
        Path dir = directory.dbDir(sp.name(), sp.partition);
        Files.createDirectories(dir);
        RocksBaseStore store = new RocksBaseStore(dir, rocks);
        rocksOpens.incrementAndGet();
        return store;
    }

    /** Deletes the local copy of {@code sp} and opens an empty one; the restore starts from the beginning. */
    void wipe(LocalStore sp) {
        if (sp.base != null) {
            sp.base.close();
        }
        sp.restoreFrom = -1;
        sp.createdEmpty = false;
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
