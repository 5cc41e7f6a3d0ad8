package dev.eos;

/**
 * The user function: one input record in, zero or more output records out through the
 * {@link ProcessorContext}. The simple case is one lambda:
 *
 * <pre>{@code
 * .processor((record, context) -> context.emit(out, record.key(), record.value().toUpperCase()))
 * }</pre>
 *
 * <p>It runs on the pipeline's worker threads ({@code concurrency} of them), several records at a time within
 * the limits of the {@link Ordering}, so one instance serves every worker and must be thread-safe; the input
 * serdes must be too. It may be called again for the same record (after a failure, a timeout, an abort, a
 * crash or a rebalance), so it must be free of side effects outside its emitted records; the outputs of each
 * call that is not committed are discarded.
 *
 * @param <K> input key type
 * @param <V> input value type
 */
@FunctionalInterface
public interface Processor<K, V> {

    /**
     * Called once when the pipeline starts, on the pipeline's thread, before any record is processed: open
     * what the function needs (a client, a connection pool). An exception fails the pipeline's start (state
     * {@link Pipeline.State#FAILED}). The context can tell the identity but cannot emit.
     */
    default void init(ProcessorContext context) throws Exception {
    }

    /**
     * Processes one input record.
     *
     * @param record the input record, deserialized, with its coordinates, timestamp and its own copy of the headers
     * @param context where to send outputs; valid during this call only
     * @throws Exception to fail this attempt: the record is retried with backoff up to
     *     {@code retry.max.attempts} (a {@link NonRetryableException} skips the retries), then takes the
     *     {@code failure.action}: stop the pipeline, dead-letter topic, or skip. An attempt that runs past
     *     {@code processing.timeout.ms} is interrupted and fails the same way.
     */
    void process(InputRecord<K, V> record, ProcessorContext context) throws Exception;

    /**
     * Called once when the pipeline stops (cleanly or not), after the last {@code process} call returned or
     * was abandoned: release what {@link #init} opened. An exception is logged and otherwise ignored.
     */
    default void close() throws Exception {
    }
}
