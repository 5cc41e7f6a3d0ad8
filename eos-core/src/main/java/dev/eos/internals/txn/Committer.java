package dev.eos.internals.txn;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;

/**
 * The committer thread ({@code eos-<app>-commit}): runs one {@link CommitJob} at a time through the
 * {@link CommitProtocol} and hands the finished job back to the poll thread, which applies its outcome. Poll thread
 * only, except the job itself.
 */
final class Committer {

    private final String app;
    private final CommitProtocol protocol;
    private final BooleanSupplier abandoned;
    private ExecutorService executor;
    /** The commit running on the committer thread, or null. */
    private CommitJob running;
    /** When the last commit was handed to the committer thread; start-up counts as one. */
    private long lastStartNanos = System.nanoTime();

    Committer(String app, CommitProtocol protocol, BooleanSupplier abandoned) {
        this.app = app;
        this.protocol = protocol;
        this.abandoned = abandoned;
    }

    void start() {
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "eos-" + app + "-commit");
            t.setDaemon(true);
            return t;
        });
    }

    /** The commit running, or null. */
    CommitJob running() {
        return running;
    }

    /** Milliseconds since the last commit started (since start-up when none has). */
    long sinceLastStartMs() {
        return (System.nanoTime() - lastStartNanos) / 1_000_000L;
    }

    /** Starts {@code job} on the committer thread; only when none runs. */
    void submit(CommitJob job, ConsumerGroupMetadata group) {
        running = job;
        lastStartNanos = System.nanoTime();
        executor.execute(() -> {
            Throwable outcome = null;
            try {
                protocol.commit(job, group);
            } catch (Throwable e) {
                outcome = e;
            }
            job.finish(outcome);
        });
    }

    /**
     * The running commit once it is done (waiting for it if {@code wait} is set), or null if none runs or it is
     * not done. The wait ends with a {@link StopRequestedException} once the close is abandoned.
     */
    CommitJob takeFinished(boolean wait) {
        CommitJob job = running;
        if (job == null) {
            return null;
        }
        if (!job.isDone()) {
            if (!wait) {
                return null;
            }
            try {
                while (!job.await(100)) {
                    if (abandoned.getAsBoolean()) {
                        throw new StopRequestedException("close timed out while a commit was running");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StopRequestedException("interrupted while a commit was running");
            }
        }
        running = null;
        return job;
    }

    void shutdown() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
