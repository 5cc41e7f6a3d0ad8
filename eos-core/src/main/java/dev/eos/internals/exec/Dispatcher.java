package dev.eos.internals.exec;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs records on a pool of worker threads so that records with the same ordering key run one at a time, in
 * the order they were submitted, and records with different keys (or no key) run in parallel.
 *
 * <p>Records whose key is free wait in one FIFO ready queue that every worker takes from, so any ready record
 * starts as soon as any worker is free: a slow record, or a key whose records keep coming, never holds back an
 * unrelated key. When a record of a key finishes, the next record of that key joins the tail of the ready
 * queue. A record whose task asks for a retry keeps its key busy until it runs again, so later records of the
 * key wait behind it while other keys flow. No lock is held while a task runs.
 *
 * <p>A task may return {@link #PENDING}: its attempt goes on without a thread (an asynchronous processor's
 * stage), the worker takes the next record, and the key stays busy until the task calls {@link #resume}.
 *
 * <p>Workers are handed out as drainers (at most {@code concurrency} at once), each taking records from the
 * ready queue until it is empty, so a burst of records costs one hand-off per worker, not one per record.
 */
public final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** What {@link Task#run} returns when the record's attempt goes on after it returned. */
    public static final long PENDING = -2;

    /** The work done for one record. */
    public interface Task {
        /**
         * Runs the record; returns the delay in milliseconds before it must run again, -1 when done, or
         * {@link #PENDING} when the attempt completes later: then its key stays busy until the task calls
         * {@link Dispatcher#resume} on {@code from}. Never throws: a task ends every failure of its record itself.
         */
        long run(Work w, Dispatcher from);
    }

    private final Task task;
    private final int concurrency;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final AttemptWatchdog watchdog;
    private final ConcurrentLinkedQueue<Work> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();
    /** Stages whose attempt ended (timed out, epoch dropped) before they did. */
    private final AtomicInteger abandoned = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    /** Keys with a record running or waiting for a retry; the queue holds the records waiting behind it. */
    private final Map<Object, ArrayDeque<Work>> busy = new HashMap<>();

    /**
     * @param watchdog times the attempts of this pool's workers; null for none
     */
    public Dispatcher(String threadPrefix, int concurrency, Task task, AttemptWatchdog watchdog) {
        this.task = task;
        this.concurrency = concurrency;
        this.watchdog = watchdog;
        this.workers = Executors.newFixedThreadPool(concurrency, WorkerThread.factory(threadPrefix + "-worker-"));
        this.timer = Executors.newSingleThreadScheduledExecutor(WorkerThread.factory(threadPrefix + "-timer-"));
        if (watchdog != null) {
            long every = watchdog.checkIntervalMs();
            timer.scheduleWithFixedDelay(this::checkAttempts, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** One watchdog round; a failure is logged, never allowed to end the rounds (the executor would stop them). */
    private void checkAttempts() {
        try {
            watchdog.check();
        } catch (RuntimeException | Error e) {
            log.error("the attempt watchdog's round failed; the next round runs as scheduled", e);
        }
    }

    /** Queues a record; it runs when its key is free and a worker is. */
    public void submit(Work w) {
        submitAll(List.of(w));
    }

    /** Queues records in order. */
    public void submitAll(List<Work> batch) {
        int added = 0;
        lock.lock();
        try {
            for (Work w : batch) {
                Object key = w.orderingKey;
                if (key != null) {
                    ArrayDeque<Work> waiting = busy.get(key);
                    if (waiting != null) {
                        waiting.addLast(w);
                        continue;
                    }
                    busy.put(key, new ArrayDeque<>());
                }
                ready.add(w);
                added++;
            }
        } finally {
            lock.unlock();
        }
        if (added > 0) {
            startDrainers(added);
        }
    }

    /** Starts up to {@code wanted} more drainers, within {@code concurrency}. */
    private void startDrainers(int wanted) {
        for (int i = 0; i < wanted; i++) {
            int n = drainers.get();
            if (n >= concurrency) {
                return;
            }
            if (!drainers.compareAndSet(n, n + 1)) {
                i--;
                continue;
            }
            try {
                workers.execute(this::drain);
            } catch (RejectedExecutionException shutDown) {
                drainers.decrementAndGet();
                return;
            }
        }
    }

    private void drain() {
        while (true) {
            Work w;
            while ((w = ready.poll()) != null) {
                runOne(w);
            }
            drainers.decrementAndGet();
            // a record queued after the last poll and before the decrement would have found no free drainer
            if (ready.isEmpty() || !rejoin()) {
                return;
            }
        }
    }

    private boolean rejoin() {
        while (true) {
            int n = drainers.get();
            if (n >= concurrency) {
                return false;
            }
            if (drainers.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void runOne(Work w) {
        w.retry = null;
        long retryDelay;
        try {
            retryDelay = task.run(w, this);
        } catch (RuntimeException | Error e) {
            // a task ends its own failures (RecordRunner applies failure.action); this is a bug in the task
            log.error("a task threw for {} instead of ending it; freeing its key", w.coordinates(), e);
            retryDelay = -1; // never leave a key busy
        }
        if (retryDelay != PENDING) {
            resume(w, retryDelay);
        }
    }

    /**
     * Ends a run of {@code w} that returned {@link #PENDING}, from any thread: schedules its retry after
     * {@code retryDelay} ms, or (-1) frees its key for the next record. {@link #runOne} ends every other run so.
     */
    public void resume(Work w, long retryDelay) {
        if (retryDelay >= 0) {
            try {
                w.retry = timer.schedule(() -> requeue(w), retryDelay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shutDown) {
                return; // the pool is closing
            }
            if (w.epoch.discarded) {
                expedite(w); // dropped while the retry was being scheduled: expedite() may have missed it
            }
            return;
        }
        Work next = release(w.orderingKey);
        if (next != null) {
            requeue(next);
        }
    }

    private void requeue(Work w) {
        ready.add(w);
        startDrainers(1);
    }

    /**
     * Runs a record that waits for a retry now instead of when its backoff ends, if it still waits, or ends its
     * pending asynchronous attempt: used when its partition's epoch is dropped, so that the record is cancelled
     * at once and its key freed for the next epoch.
     */
    public void expedite(Work w) {
        PendingAttempt pending = w.pending;
        if (pending != null) {
            pending.cancel();
            return;
        }
        java.util.concurrent.Future<?> f = w.retry;
        if (f != null && f.cancel(false)) {
            requeue(w);
        }
    }

    /**
     * The attempt {@code stage} belongs to ended before the stage did (a timeout, a dropped epoch): the stage is
     * cancelled, on a worker thread, so that its callbacks run there and not on the thread that ended the attempt;
     * until it ends it counts in {@link #abandonedStages()}. A stage that is not a CompletableFuture, or refuses
     * cancellation, runs on and is counted until it ends.
     */
    void abandon(CompletionStage<?> stage) {
        abandoned.incrementAndGet();
        try {
            stage.whenComplete((ignored, e) -> abandoned.decrementAndGet());
        } catch (RuntimeException unsupported) {
            abandoned.decrementAndGet(); // a stage of the user's own that cannot tell when it ends: not counted
        }
        if (stage instanceof CompletableFuture<?> f) {
            try {
                workers.execute(() -> cancel(f));
            } catch (RejectedExecutionException shutDown) {
                cancel(f);
            }
        }
    }

    private static void cancel(CompletableFuture<?> f) {
        try {
            f.cancel(true);
        } catch (UnsupportedOperationException refused) {
            // a minimal completion stage: it runs until it ends, counted as abandoned
        }
    }

    /**
     * Stages of ended attempts that still run: they count against the in-flight limits until they end, so that
     * stuck remote calls cannot pile up across timeouts and rebalances outside every limit.
     */
    public int abandonedStages() {
        return abandoned.get();
    }

    private Work release(Object key) {
        if (key == null) {
            return null;
        }
        lock.lock();
        try {
            ArrayDeque<Work> waiting = busy.get(key);
            Work next = waiting == null ? null : waiting.pollFirst();
            if (next == null) {
                busy.remove(key);
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** Number of keys with a record running or waiting (for tests and metrics). */
    public int busyKeys() {
        lock.lock();
        try {
            return busy.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the threads; running attempts are interrupted. */
    public void shutdownNow() {
        timer.shutdownNow();
        workers.shutdownNow();
    }

    /** Waits up to {@code timeoutMs} for the worker threads to end after {@link #shutdownNow()}. */
    public boolean awaitTermination(long timeoutMs) throws InterruptedException {
        return workers.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
