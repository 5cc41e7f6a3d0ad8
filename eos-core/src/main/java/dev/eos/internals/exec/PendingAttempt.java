package dev.eos.internals.exec;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An attempt of an asynchronous processor whose stage has not completed yet. It ends exactly once, by whichever
 * comes first: the stage completing, the {@link AttemptWatchdog} timing it out, or its partition's epoch being
 * dropped. The end is handed to the {@link RecordRunner}, which decides (success, retry, final failure) as for a
 * blocking attempt, and then to the {@link Dispatcher}, which frees the key or schedules the retry.
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
        end(cause, false);
    }

    /** Called by the watchdog once the attempt ran past processing.timeout.ms. */
    void timedOut(long timeoutMs) {
        if (end(new TimeoutException("processing.timeout.ms (" + timeoutMs + " ms) exceeded: the stage returned "
                + "by the processor did not complete"), true)) {
            if (stage instanceof CompletableFuture<?> f) {
                f.cancel(true);
            }
        }
    }

    /** Called when the record's epoch was dropped: the attempt ends as cancelled at once, freeing its key. */
    void cancel() {
        end(new CancellationException("the partition of " + work.coordinates() + " was dropped"), false);
    }

    private boolean end(Throwable thrown, boolean timedOut) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        work.pending = null;
        dispatcher.resume(work, runner.endPending(this, thrown, timedOut));
        return true;
    }
}
