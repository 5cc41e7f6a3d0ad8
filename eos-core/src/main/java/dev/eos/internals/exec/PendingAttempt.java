package dev.eos.internals.exec;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An attempt of an asynchronous processor whose stage has not completed yet. It ends exactly once, by whichever
 * comes first: the stage completing, the {@link AttemptWatchdog} timing it out, or its partition's epoch being
 * dropped. The end is handed to the {@link RecordRunner}, which decides (success, retry, final failure) as for a
 * blocking attempt, and then to the {@link Dispatcher}, which frees the key or schedules the retry. A stage
 * that ends its attempt by a timeout or a dropped epoch is cancelled and counted until it ends
 * ({@link Dispatcher#abandon}).
 */
final class PendingAttempt {

    private final RecordRunner<?, ?> runner;
    private final Dispatcher dispatcher;
    final Work work;
    final RecordContext context;
    final long startNanos;
    private final CompletionStage<?> stage;
    private final AtomicBoolean ended = new AtomicBoolean();

    PendingAttempt(RecordRunner<?, ?> runner, Dispatcher dispatcher, Work work, RecordContext context,
            long startNanos, CompletionStage<?> stage) {
        this.runner = runner;
        this.dispatcher = dispatcher;
        this.work = work;
        this.context = context;
        this.startNanos = startNanos;
        this.stage = stage;
    }

    /** Called by the stage when it completes; {@code thrown} null for success. */
    void stageCompleted(Throwable thrown) {
        Throwable cause = thrown;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        end(cause, false, false);
    }

    /** Called by the watchdog once the attempt ran past processing.timeout.ms. */
    void timedOut(long timeoutMs) {
        end(new TimeoutException("processing.timeout.ms (" + timeoutMs + " ms) exceeded: the stage returned "
                + "by the processor did not complete"), true, true);
    }

    /**
     * Called when the record's epoch was dropped: the attempt ends as cancelled at once, freeing its key, and its
     * stage is cancelled.
     */
    void cancel() {
        end(new CancellationException("the partition of " + work.coordinates() + " was dropped"), false, true);
    }

    /** Ends the attempt unless it has ended; an attempt ended before its stage abandons the stage first. */
    private void end(Throwable thrown, boolean timedOut, boolean beforeTheStage) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        work.pending = null;
        if (beforeTheStage) {
            dispatcher.abandon(stage);
        }
        dispatcher.resume(work, runner.endPending(this, thrown, timedOut));
    }
}
