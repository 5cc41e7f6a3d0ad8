package dev.eos;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs records on a pool of worker threads so that records with the same ordering key run one at a time, in
 * the order they were submitted, and records with different keys (or no key) run in parallel. A record whose
 * task asks for a retry keeps its key busy until it runs again, so later records of the key wait behind it
 * while other keys flow. No lock is held while a task runs.
 */
final class Dispatcher {

    /** The work done for one record. */
    interface Task {
        /** Runs the record; returns the delay in milliseconds before it must run again, or -1 when done. */
        long run(Work w);
    }

    private final Task task;
    private final ExecutorService workers;
    private final ScheduledExecutorService retries;
    private final ReentrantLock lock = new ReentrantLock();
    /** Keys with a record running or waiting for a retry; the queue holds the records waiting behind it. */
    private final Map<Object, ArrayDeque<Work>> busy = new HashMap<>();

    private final int concurrency;

    Dispatcher(String threadPrefix, int concurrency, Task task) {
        this.task = task;
        this.concurrency = concurrency;
        this.workers = Executors.newFixedThreadPool(concurrency, named(threadPrefix + "-worker-"));
        this.retries = Executors.newSingleThreadScheduledExecutor(named(threadPrefix + "-retry-"));
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Queues a record; it runs when its key is free and a worker is. */
    void submit(Work w) {
        submitAll(java.util.List.of(w));
    }

    /**
     * Queues records in order. The records whose key is free are handed to the workers in at most
     * {@code concurrency} tasks, each running its share one after the other: one hand-off per task instead of
     * one per record, while every worker still gets work.
     */
    void submitAll(java.util.List<Work> batch) {
        java.util.List<Work> ready = new java.util.ArrayList<>(batch.size());
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
            }
        } finally {
            lock.unlock();
        }
        int n = ready.size();
        if (n == 0) {
            return;
        }
        int tasks = Math.min(n, concurrency);
        int per = (n + tasks - 1) / tasks;
        for (int from = 0; from < n; from += per) {
            java.util.List<Work> share = ready.subList(from, Math.min(n, from + per));
            workers.execute(() -> {
                for (Work w : share) {
                    runChain(w);
                }
            });
        }
    }

    private void runChain(Work first) {
        Work current = first;
        while (current != null) {
            long retryDelay;
            try {
                retryDelay = task.run(current);
            } catch (RuntimeException | Error e) {
                retryDelay = -1; // the task records its own failures; never leave a key busy
            }
            if (retryDelay >= 0) {
                Work again = current;
                try {
                    retries.schedule(() -> workers.execute(() -> runChain(again)), retryDelay, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                    // the pool is closing
                }
                return;
            }
            current = nextOf(current.orderingKey);
        }
    }

    private Work nextOf(Object key) {
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
    int busyKeys() {
        lock.lock();
        try {
            return busy.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the threads; running tasks are interrupted. */
    void shutdownNow() {
        retries.shutdownNow();
        workers.shutdownNow();
    }
}
