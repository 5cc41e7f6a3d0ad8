package dev.eos;

import java.util.concurrent.CompletionStage;

/**
 * A user function that does not block a worker thread while it waits: {@code process} starts the work (a
 * remote call, a query) and returns a {@link CompletionStage} that completes when it is done, so a pipeline can
 * keep thousands of calls in flight with a few threads. Set it with
 * {@link Pipeline.Builder#asyncProcessor(AsyncProcessor)} instead of a {@link Processor}:
 *
 * <pre>{@code
 * .asyncProcessor((record, context) -> client.lookup(record.key())          // CompletableFuture<Profile>
 *         .thenAccept(profile -> context.emit(out, record.key(), profile.name())))
 * }</pre>
 *
 * <p>Everything else is as for a {@link Processor}: records of one ordering key run one at a time (the next
 * starts once the stage of the previous one completed), outputs and store writes of the attempt are committed
 * with the record's offset or not at all, a stage that completes exceptionally fails the attempt (retries with
 * backoff, then {@code failure.action}; a {@link NonRetryableException} skips the retries), and a stage that has
 * not completed after {@code processing.timeout.ms} fails it with a
 * {@link java.util.concurrent.TimeoutException} (a {@code CompletableFuture} is then cancelled; whatever it
 * does later is ignored).
 *
 * <p>The context stays valid until the returned stage completes: emit and use stores from any thread, in the
 * stage's callbacks, but from one thread at a time for stores. An emit after the stage completed (or timed out)
 * throws {@link IllegalStateException}. The stage's value is ignored. {@code process} itself runs on a worker
 * thread and should return quickly; the callbacks run on whatever thread completes the stage.
 *
 * @param <K> input key type
 * @param <V> input value type
 */
@FunctionalInterface
public interface AsyncProcessor<K, V> {

    /** As {@link Processor#init}: called once before any record, on the pipeline's thread. */
    default void init(ProcessorContext context) throws Exception {
    }

    /**
     * Starts processing one record.
     *
     * @param record the input record, as for {@link Processor#process}
     * @param context where to send outputs; valid until the returned stage completes
     * @return a stage that completes normally when the record is done, or exceptionally to fail the attempt;
     *     never null (a null result fails the attempt)
     * @throws Exception to fail the attempt at once, as a {@link Processor} would
     */
    CompletionStage<?> process(InputRecord<K, V> record, ProcessorContext context) throws Exception;

    /** As {@link Processor#close}: called once when the pipeline stops. */
    default void close() throws Exception {
    }
}
