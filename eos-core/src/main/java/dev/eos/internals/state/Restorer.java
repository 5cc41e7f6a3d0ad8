package dev.eos.internals.state;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore thread ({@code eos-<app>-restore}): it opens the stores of newly assigned partitions and reads their
 * changelogs together, read_committed, from each local copy's recorded position (or the beginning, when the copy
 * is not trusted) until the last stable offset equals the high watermark, so that no transaction of a previous
 * owner is still open on them. Each batch is written with the restore consumer's position after it, so a restore
 * that stops part way (a rebalance, a crash, a retriable error) resumes where it was. The other partitions keep
 * running meanwhile; the poll thread resumes a partition when {@link TaskStores#restored} is set.
 *
 * <p>Every partition handed over ends settled: restored, cancelled, or failed with the thread (which fails the
 * pipeline). A retriable error retries the partitions it hit, keeping what they read.
 */
final class Restorer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Restorer.class);
    private static final long PROGRESS_NS = 10_000_000_000L;
    private static final long RETRY_MS = 1000;

    /** The restore of one store partition. */
    private static final class Task {
        final TaskStores owner;
        final LocalStore store;
        long start;
        long end;

        Task(TaskStores owner, LocalStore store) {
            this.owner = owner;
            this.store = store;
        }
    }

    private final String app;
    private final StateManager manager;
    private final Consumer<byte[], byte[]> committed;
    private final Consumer<byte[], byte[]> uncommitted;
    private final BlockingQueue<TaskStores> queue = new LinkedBlockingQueue<>();
    /** Partitions taken from the queue and not begun yet (a retriable error put them back here). */
    private final Deque<TaskStores> waiting = new ArrayDeque<>();
    private final Map<TopicPartition, Task> active = new HashMap<>();
    /** Partitions being restored, with the time their restore began and the store partitions not yet done. */
    private final Map<TaskStores, long[]> running = new HashMap<>();
    private volatile boolean stopped;
    volatile Throwable failure;
    /** Set when a partition finished its restore, so that the poll thread looks for it (and only then). */
    final AtomicBoolean finishedAny = new AtomicBoolean();
    /** Changelog records read since start. */
    final AtomicLong recordsRead = new AtomicLong();
    /** Partitions whose restore finished since start. */
    final AtomicLong finished = new AtomicLong();
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

    void submit(TaskStores p) {
        queue.add(p);
    }

    void stop() {
        stopped = true;
        committed.wakeup();
    }

    /** A partition was cancelled: the thread looks at once instead of after its current poll. */
    void wake() {
        committed.wakeup(); // a poll or offset lookup throws WakeupException, which the loop takes as "look again"
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                try {
                    step();
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                    // a cancellation or the stop: looked at in the next step
                } catch (RetriableException e) {
                    List<String> hit = new ArrayList<>();
                    running.keySet().forEach(p -> hit.add(p.input.toString()));
                    waiting.forEach(p -> hit.add(p.input.toString()));
                    log.warn("[app={}] restoring {} failed ({}); retrying in {} ms from where each store stands",
                            app, hit, e.toString(), RETRY_MS);
                    Thread.sleep(RETRY_MS);
                    retryRunning();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (!stopped) {
                failure = e;
                log.error("[app={}] the restore thread failed; the pipeline stops: {}", app, e.toString(), e);
            }
        } finally {
            for (TaskStores p : running.keySet()) {
                p.settled.countDown();
            }
            for (TaskStores p : waiting) {
                p.settled.countDown();
            }
            for (TaskStores p : queue) {
                p.settled.countDown();
            }
            committed.close(Duration.ZERO);
            uncommitted.close(Duration.ZERO);
        }
    }

    /** Takes new partitions, drops cancelled ones, reads one batch, and finishes what reached its end. */
    private void step() throws InterruptedException {
        if (active.isEmpty() && waiting.isEmpty()) {
            TaskStores p = queue.poll(100, TimeUnit.MILLISECONDS);
            if (p != null) {
                waiting.add(p);
            }
        }
        queue.drainTo(waiting);
        boolean changed = false;
        while (!waiting.isEmpty()) {
            TaskStores p = waiting.peekFirst();
            changed |= begin(p); // a retriable error leaves p and the rest waiting
            waiting.pollFirst();
        }
        for (TaskStores p : new ArrayList<>(running.keySet())) {
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
            if (t == null || t.owner.cancelled) {
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> read = records.records(tp);
            List<byte[][]> batch = new ArrayList<>(read.size());
            for (ConsumerRecord<byte[], byte[]> r : read) {
                batch.add(new byte[][] {r.key(), r.value()});
            }
            long position = committed.position(tp);
            t.store.base.write(batch, t.store.positionAt(position));
            if (!t.store.definition.isPersistent()) {
                t.store.restoreFrom = position; // a heap store keeps no position of its own
            }
            t.store.restoredRecords += batch.size();
            t.store.restoreRemaining = Math.max(0, t.end - position);
            recordsRead.addAndGet(batch.size());
        }
        finishTasksAtTheirEnd();
        progress();
    }

    /**
     * Opens the stores of {@code p} and adds their restores, each from its copy's position if the copy is trusted
     * (else wiped, from the beginning); returns whether any was added.
     */
    private boolean begin(TaskStores p) {
        if (p.cancelled) {
            p.settled.countDown();
            return false;
        }
        List<TopicPartition> tps = new ArrayList<>();
        for (LocalStore sp : p.stores.values()) {
            manager.open(sp);
            tps.add(sp.changelog);
        }
        Map<TopicPartition, Long> begins = committed.beginningOffsets(tps);
        Map<TopicPartition, Long> ends = committed.endOffsets(tps);
        long now = System.currentTimeMillis();
        List<Task> tasks = new ArrayList<>();
        for (LocalStore sp : p.stores.values()) {
            Task t = new Task(p, sp);
            long begin = begins.get(sp.changelog);
            t.end = ends.get(sp.changelog);
            long from = -1;
            if (sp.definition.isPersistent()) {
                ChangelogPosition position = sp.base.position();
                String reason = manager.untrusted(sp, position, begin, t.end, now);
                if (reason == null) {
                    from = position.offset();
                } else if (position == null && sp.createdEmpty) {
                    // a copy just created empty is restored from the beginning as it is: a wipe would only close,
                    // delete and create it again
                } else {
                    if (position != null) {
                        log.warn("[app={}] {}: rebuilding the local copy from the changelog: {}", app, sp, reason);
                    }
                    manager.wipe(sp);
                }
            } else if (sp.restoreFrom >= begin && sp.restoreFrom <= t.end) {
                from = sp.restoreFrom; // a heap store whose restore resumes after a retriable error
            } else {
                manager.wipe(sp);
            }
            sp.restoreFrom = from;
            t.start = from < 0 ? begin : from;
            sp.restoreRemaining = Math.max(0, t.end - t.start);
            tasks.add(t);
        }
        for (Task t : tasks) {
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
                if (t.store.definition.isPersistent()) {
                    t.store.base.write(List.of(), t.store.positionAt(position)); // current as of now
                }
                t.store.restoreRemaining = 0;
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

    private void finished(TaskStores p, long startedNanos) {
        running.remove(p);
        long total = 0;
        for (LocalStore sp : p.stores.values()) {
            total += sp.restoredRecords;
        }
        long ms = Math.max(1, (System.nanoTime() - startedNanos) / 1_000_000);
        log.info("[app={}] partition {} restored: {} changelog record(s) of {} store(s) in {} ms ({} records/s)", app,
                p.input, total, p.stores.size(), ms, total * 1000 / ms);
        p.restored = true;
        finished.incrementAndGet();
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
        for (Task t : active.values()) {
            done += t.store.restoredRecords;
            left += t.store.restoreRemaining;
        }
        log.info("[app={}] restoring {} store partition(s) of {}: {} record(s) done, about {} to go", app,
                active.size(), running.keySet().stream().map(p -> p.input.toString()).toList(), done, left);
    }

    /**
     * After a retriable error: the partitions being restored begin again, each store from where its last batch
     * left it (a persistent copy's recorded position; a heap store's restore position), nothing wiped.
     */
    private void retryRunning() {
        List<TaskStores> again = new ArrayList<>(running.keySet());
        active.clear();
        running.clear();
        for (TaskStores p : again) {
            waiting.addFirst(p);
        }
        committed.assign(List.of());
    }
}
