package dev.eos.internals.exec;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A daemon thread of a pipeline's pool that knows the record attempt it is running, so that the
 * {@link AttemptWatchdog} can warn about it and interrupt it.
 */
final class WorkerThread extends Thread {
    /** The attempt running on this thread, or null. Guarded by {@code this} for the interrupt hand-shake. */
    private Work running;
    /** Registered with the watchdog (this thread only). */
    boolean watched;

    private WorkerThread(Runnable r, String name) {
        super(r, name);
        setDaemon(true);
    }

    static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> new WorkerThread(r, prefix + n.incrementAndGet());
    }

    synchronized void begin(Work w) {
        running = w;
    }

    /** Ends the attempt and clears an interrupt that the watchdog aimed at it, so it cannot reach the next one. */
    synchronized void end() {
        running = null;
        Thread.interrupted();
    }

    synchronized Work running() {
        return running;
    }

    /** Interrupts this thread if it still runs {@code w}. */
    synchronized boolean interruptIfRunning(Work w) {
        if (running != w) {
            return false;
        }
        interrupt();
        return true;
    }
}
