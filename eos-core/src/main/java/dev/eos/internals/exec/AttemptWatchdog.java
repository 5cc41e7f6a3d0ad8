package dev.eos.internals.exec;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the record attempts running on worker threads: logs a WARN with the record's coordinates once an
 * attempt runs longer than {@code processing.warn.ms}, and past {@code processing.timeout.ms} marks it timed out
 * and interrupts its thread, so that the attempt counts as failed. Without it, a hung remote call would stop a
 * partition forever while the pipeline reports RUNNING.
 */
public final class AttemptWatchdog {

    private static final Logger log = LoggerFactory.getLogger(AttemptWatchdog.class);

    private final String app;
    private final long warnNanos;
    private final long timeoutNanos;
    private final LongSupplier nanoClock;
    private final Set<WorkerThread> threads = ConcurrentHashMap.newKeySet();
    /** Attempts of an asynchronous processor whose stage has not completed. */
    private final Set<PendingAttempt> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param warnMs 0 for no warning
     * @param timeoutMs 0 for no timeout
     */
    public AttemptWatchdog(String app, long warnMs, long timeoutMs, LongSupplier nanoClock) {
        this.app = app;
        this.warnNanos = warnMs * 1_000_000L;
        this.timeoutNanos = timeoutMs * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    /** How often {@link #check()} should run: a tenth of the shorter limit, within [5 ms, 1 s]. */
    long checkIntervalMs() {
        long shortest = Long.MAX_VALUE;
        if (warnNanos > 0) {
            shortest = warnNanos;
        }
        if (timeoutNanos > 0) {
            shortest = Math.min(shortest, timeoutNanos);
        }
        return Math.max(5, Math.min(1000, shortest / 10_000_000L));
    }

    /** Called on the worker thread as an attempt of {@code w} starts. */
    public void begin(Work w) {
        w.attemptStartNanos = nanoClock.getAsLong();
        w.warned = false;
        w.timedOut = false;
        Thread t = Thread.currentThread();
        if (t instanceof WorkerThread) {
            WorkerThread wt = (WorkerThread) t;
            if (!wt.watched) {
                wt.watched = true;
                threads.add(wt);
            }
            wt.begin(w);
        }
    }

    /** Called on the worker thread when the attempt returned; clears an interrupt aimed at it. */
    public void end() {
        Thread t = Thread.currentThread();
        if (t instanceof WorkerThread) {
            ((WorkerThread) t).end();
        }
    }

    /**
     * Watches an asynchronous attempt from the moment its {@code process} call returned (its start time is the
     * one {@link #begin} took) until {@link #unwatch}; past the timeout it is ended as timed out.
     */
    void watch(PendingAttempt p) {
        pending.add(p);
    }

    void unwatch(PendingAttempt p) {
        pending.remove(p);
    }

    /** Whether the last attempt of {@code w} ran past the timeout. */
    public boolean timedOut(Work w) {
        return w.timedOut;
    }

    /** Looks at every running attempt once. */
    public void check() {
        long now = nanoClock.getAsLong();
        for (WorkerThread t : threads) {
            Work w = t.running();
            if (w == null) {
                continue;
            }
            long ran = now - w.attemptStartNanos;
            if (timeoutNanos > 0 && ran >= timeoutNanos && !w.timedOut) {
                w.timedOut = true;
                if (t.interruptIfRunning(w)) {
                    log.warn("[app={}] record {} attempt {} ran past processing.timeout.ms ({} ms) on {}: "
                            + "interrupted, the attempt counts as failed", app, w.coordinates(), w.attempts,
                            timeoutNanos / 1_000_000L, t.getName());
                }
            } else if (warnNanos > 0 && ran >= warnNanos && !w.warned) {
                w.warned = true;
                log.warn("[app={}] record {} attempt {} has been running for {} ms on {} (processing.warn.ms={})",
                        app, w.coordinates(), w.attempts, ran / 1_000_000L, t.getName(), warnNanos / 1_000_000L);
            }
        }
        for (PendingAttempt p : pending) {
            Work w = p.work;
            long ran = now - w.attemptStartNanos;
            if (timeoutNanos > 0 && ran >= timeoutNanos && !w.timedOut) {
                w.timedOut = true;
                log.warn("[app={}] record {} attempt {}: its stage did not complete within processing.timeout.ms "
                        + "({} ms); the attempt counts as failed", app, w.coordinates(), w.attempts,
                        timeoutNanos / 1_000_000L);
                p.timedOut(timeoutNanos / 1_000_000L);
            } else if (warnNanos > 0 && ran >= warnNanos && !w.warned) {
                w.warned = true;
                log.warn("[app={}] record {} attempt {}: its stage has not completed after {} ms "
                        + "(processing.warn.ms={})", app, w.coordinates(), w.attempts, ran / 1_000_000L,
                        warnNanos / 1_000_000L);
            }
        }
    }
}
