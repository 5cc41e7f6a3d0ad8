package dev.eos.internals.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore thread ({@code eos-<app>-restore}): it opens the stores of newly assigned partitions and reads their
 * changelogs together, read_committed, from the checkpoint (or the beginning) until the last stable offset equals
 * the high watermark, so that no transaction of a previous owner is still open on them. The other partitions keep
 * running meanwhile; the poll thread resumes a partition when {@link PartitionState#restored} is set.
 */
final class Restorer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Restorer.class);
    private static final long PROGRESS_NS = 10_000_000_000L;

    /** The restore of one store partition. */
    private static final class Task {
        final PartitionState owner;
        final StorePartition store;
        long start;
        long end;
        long done;

        Task(PartitionState owner, StorePartition store) {
            this.owner = owner;
            this.store = store;
        }
    }

    private final String app;
    private final StateManager manager;
    private final Consumer<byte[], byte[]> committed;
    private final Consumer<byte[], byte[]> uncommitted;
    private final BlockingQueue<PartitionState> queue = new LinkedBlockingQueue<>();
    private final Map<TopicPartition, Task> active = new HashMap<>();
    /** Partitions being restored, with the time their restore began and the store partitions not yet done. */
    private final Map<PartitionState, long[]> running = new HashMap<>();
    private volatile boolean stopped;
    volatile Throwable failure;
    /** Set when a partition finished its restore, so that the poll thread looks for it (and only then). */
    final java.util.concurrent.atomic.AtomicBoolean finishedAny = new java.util.concurrent.atomic.AtomicBoolean();
    private long lastProgress = System.nanoTime();

    /**
     * @param committed a read_committed consumer without a group, for the records
     * @param uncommitted a read_uncommitted consumer without a group, for the high watermarks
     */
    Restorer(String app, StateManager manager, Consumer<byte[], byte[]> committed,
            Consumer<byte[], byte[]> uncommitted) {
        this.app = app;
        this.manager = manager;
        this.committed = committed;
        this.uncommitted = uncommitted;
    }

    void submit(PartitionState p) {
        queue.add(p);
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                try {
                    step();
                } catch (RetriableException e) {
                    log.warn("[app={}] restoring {} failed ({}); retrying", app, running.keySet(), e.toString());
                    Thread.sleep(1000);
                    restart();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (!stopped) {
                failure = e;
            }
        } finally {
            for (PartitionState p : running.keySet()) {
                p.settled.countDown();
            }
            for (PartitionState p : queue) {
                p.settled.countDown();
            }
            committed.close(Duration.ZERO);
            uncommitted.close(Duration.ZERO);
        }
    }

    /** Takes new partitions, drops cancelled ones, reads one batch, and finishes what reached its end. */
    private void step() throws InterruptedException {
        List<PartitionState> fresh = new ArrayList<>();
        if (active.isEmpty()) {
            PartitionState p = queue.poll(100, TimeUnit.MILLISECONDS);
            if (p != null) {
                fresh.add(p);
            }
        }
        queue.drainTo(fresh);
        boolean changed = false;
        for (PartitionState p : fresh) {
            changed |= begin(p);
        }
        for (PartitionState p : new ArrayList<>(running.keySet())) {
            if (p.cancelled) {
                active.values().removeIf(t -> t.owner == p);
                running.remove(p);
                p.settled.countDown();
                changed = true;
            }
        }
        if (changed) {
            reassign();
        }
        if (active.isEmpty()) {
            return;
        }
        ConsumerRecords<byte[], byte[]> records = committed.poll(Duration.ofMillis(100));
        for (TopicPartition tp : records.partitions()) {
            Task t = active.get(tp);
            List<byte[][]> batch = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                batch.add(new byte[][] {r.key(), r.value()});
            }
            t.store.base.write(batch);
            t.done += batch.size();
        }
        finishTasksAtTheirEnd();
        progress();
    }

    /** Opens the stores of {@code p} and adds their restores; returns whether any was added. */
    private boolean begin(PartitionState p) {
        if (p.cancelled) {
            p.settled.countDown();
            return false;
        }
        List<TopicPartition> tps = new ArrayList<>();
        List<Task> tasks = new ArrayList<>();
        for (StorePartition sp : p.stores.values()) {
            manager.open(sp);
            tasks.add(new Task(p, sp));
            tps.add(sp.changelog);
        }
        Map<TopicPartition, Long> begins = committed.beginningOffsets(tps);
        Map<TopicPartition, Long> ends = committed.endOffsets(tps);
        for (Task t : tasks) {
            long begin = begins.get(t.store.changelog);
            t.end = ends.get(t.store.changelog);
            long from = t.store.restoreFrom;
            if (from >= 0 && (from < begin || from > t.end)) {
                log.warn("[app={}] {}: checkpoint {} is outside the changelog {} [{}, {}]; rebuilding it from the "
                        + "beginning", app, t.store, from, t.store.changelog, begin, t.end);
                manager.wipe(t.store);
                from = -1;
            }
            t.start = from < 0 ? begin : from;
            active.put(t.store.changelog, t);
        }
        running.put(p, new long[] {System.nanoTime(), tasks.size()});
        return true;
    }

    /** Assigns the changelog partitions being restored, each at its position (or its start). */
    private void reassign() {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition tp : committed.assignment()) {
            if (active.containsKey(tp)) {
                positions.put(tp, committed.position(tp));
            }
        }
        committed.assign(active.keySet());
        for (Map.Entry<TopicPartition, Task> e : active.entrySet()) {
            committed.seek(e.getKey(), positions.getOrDefault(e.getKey(), e.getValue().start));
        }
    }

    /**
     * A store partition whose position reached its last stable offset is done once that offset also equals the
     * high watermark (no transaction open on it); otherwise its end moves on.
     */
    private void finishTasksAtTheirEnd() {
        List<TopicPartition> atEnd = new ArrayList<>();
        for (Map.Entry<TopicPartition, Task> e : active.entrySet()) {
            if (committed.position(e.getKey()) >= e.getValue().end) {
                atEnd.add(e.getKey());
            }
        }
        if (atEnd.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> stable = committed.endOffsets(atEnd);
        Map<TopicPartition, Long> high = uncommitted.endOffsets(atEnd);
        boolean changed = false;
        for (TopicPartition tp : atEnd) {
            Task t = active.get(tp);
            long position = committed.position(tp);
            t.end = stable.get(tp);
            if (position >= t.end && t.end >= high.get(tp)) {
                t.store.restoredTo = position;
                t.store.restoredRecords = t.done;
                active.remove(tp);
                changed = true;
                long[] r = running.get(t.owner);
                if (--r[1] == 0) {
                    finished(t.owner, r[0]);
                }
            }
        }
        if (changed) {
            reassign();
        }
    }

    private void finished(PartitionState p, long startedNanos) {
        running.remove(p);
        long total = 0;
        for (StorePartition sp : p.stores.values()) {
            total += sp.restoredRecords;
        }
        long ms = Math.max(1, (System.nanoTime() - startedNanos) / 1_000_000);
        log.info("[app={}] partition {} restored: {} changelog record(s) of {} store(s) in {} ms ({} records/s)", app,
                p.input, total, p.stores.size(), ms, total * 1000 / ms);
        p.restored = true;
        p.settled.countDown();
        finishedAny.set(true);
    }

    private void progress() {
        if (System.nanoTime() - lastProgress < PROGRESS_NS) {
            return;
        }
        lastProgress = System.nanoTime();
        long done = 0;
        long left = 0;
        for (Map.Entry<TopicPartition, Task> e : active.entrySet()) {
            done += e.getValue().done;
            left += Math.max(0, e.getValue().end - committed.position(e.getKey()));
        }
        log.info("[app={}] restoring {} store partition(s) of {}: {} record(s) done, about {} to go", app,
                active.size(), running.keySet().stream().map(p -> p.input.toString()).toList(), done, left);
    }

    /** After a retriable failure: the partitions being restored start over from their start offsets. */
    private void restart() {
        List<PartitionState> again = new ArrayList<>(running.keySet());
        active.clear();
        running.clear();
        for (PartitionState p : again) {
            for (StorePartition sp : p.stores.values()) {
                manager.wipe(sp); // what was read so far is dropped; the restore begins anew
            }
            queue.add(p);
        }
        committed.assign(List.of());
    }
}
