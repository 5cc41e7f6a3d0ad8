package dev.eos.internals.exec;

import dev.eos.InputRecord;
import dev.eos.NonRetryableException;
import dev.eos.OutputTopic;
import dev.eos.ProcessingException;
import dev.eos.AsyncProcessor;
import dev.eos.StoreDefinition;
import dev.eos.internals.failure.FailurePolicy;
import dev.eos.internals.failure.RetryPolicy;
import dev.eos.internals.metrics.PipelineMetrics;
import dev.eos.internals.state.AttemptState;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt of one record on a worker thread: deserialize, call the processor with its own copy of the
 * headers and a fresh context, and either hand the serialized outputs back as completed, ask the
 * {@link Dispatcher} for a retry after a backoff, or apply the {@link FailurePolicy}. Records of a dropped
 * epoch are cancelled without running. A blocking processor's attempt ends on the worker thread; an
 * asynchronous one's ends when its stage completes (a {@link PendingAttempt}), with the same outcomes.
 *
 * @param <K> input key type
 * @param <V> input value type
 */
public final class RecordRunner<K, V> implements Dispatcher.Task {

    private static final Logger log = LoggerFactory.getLogger(RecordRunner.class);

    private final String app;
    private final String instanceId;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final AsyncProcessor<K, V> processor;
    private final Map<String, OutputTopic<?, ?>> outputTopics;
    private final RetryPolicy retry;
    private final FailurePolicy failures;
    private final AttemptWatchdog watchdog;
    private final long timeoutMs;
    private final Consumer<Work> completed;
    private final PipelineMetrics metrics;
    private final boolean provenance;
    private final Map<String, StoreDefinition<?, ?>> stores;
    private final PartitionCounts partitionCounts;
    /** A misuse of the API after its attempt ended (an emit from a stage the processor did not return). */
    private final AtomicReference<ProcessingException> lateMisuse = new AtomicReference<>();

    public RecordRunner(String app, String instanceId, Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer, AsyncProcessor<K, V> processor, Map<String, OutputTopic<?, ?>> outputTopics,
            RetryPolicy retry, FailurePolicy failures, AttemptWatchdog watchdog, long timeoutMs,
            Consumer<Work> completed, PipelineMetrics metrics, boolean provenance,
            Map<String, StoreDefinition<?, ?>> stores, PartitionCounts partitionCounts) {
        this.app = app;
        this.instanceId = instanceId;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.processor = processor;
        this.outputTopics = outputTopics;
        this.retry = retry;
        this.failures = failures;
        this.watchdog = watchdog;
        this.timeoutMs = timeoutMs;
        this.completed = completed;
        this.metrics = metrics;
        this.provenance = provenance;
        this.stores = stores;
        this.partitionCounts = partitionCounts;
    }

    /**
     * Runs one attempt of {@code w}. Never throws: whatever fails outside the processor call (deserializing, handing
     * the record back, a bug in eos) ends in {@link #failedOutsideTheProcessor}, so every record completes.
     */
    @Override
    public long run(Work w, Dispatcher from) {
        try {
            return attempt(w, from);
        } catch (Throwable t) {
            return failedOutsideTheProcessor(w, t);
        }
    }

    private long attempt(Work w, Dispatcher from) {
        if (!w.epoch.mayRun(w.started)) {
            return cancel(w);
        }
        w.started = true;
        w.attempts++;
        ConsumerRecord<byte[], byte[]> raw = w.raw;
        K key;
        V value;
        try {
            key = keyDeserializer.deserialize(raw.topic(), raw.headers(), raw.key());
            value = valueDeserializer.deserialize(raw.topic(), raw.headers(), raw.value());
        } catch (RuntimeException | Error e) {
            if (e instanceof Error) {
                log.error("[app={}] the deserializer threw an Error for record {}; failure.action applies to it",
                        app, w.coordinates(), e);
            }
            noteFailure(w);
            metrics.attemptFailed(0);
            return finalFailure(w, new SerializationException("Cannot deserialize the key or value of "
                    + w.coordinates() + ": " + e, e));
        }
        InputRecord<K, V> record = new InputRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(),
                key, value, new RecordHeaders(raw.headers().toArray()));
        var partitionStores = w.epoch.stores;
        RecordContext context = RecordContext.forAttempt(outputTopics, app, instanceId, w, raw.timestamp(),
                w.attempts, provenance, partitionStores == null ? null
                        : new AttemptState(stores, partitionStores, w.coordinates()), partitionCounts,
                e -> lateMisuse.compareAndSet(null, new ProcessingException("The processor misused the API after "
                        + "the attempt of " + w.coordinates() + " ended: " + e.getMessage() + ". An asynchronous "
                        + "processor must return a stage that completes after its last emit; " + Declared.RULE,
                        raw.topic(), raw.partition(), raw.offset(), e)));
        Throwable thrown = null;
        CompletionStage<?> stage = null;
        long start = metrics.timed() ? System.nanoTime() : 0;
        if (watchdog != null) {
            watchdog.begin(w);
        }
        try {
            stage = processor.process(record, context);
            if (stage == null) {
                thrown = new NullPointerException("the asynchronous processor returned null instead of a "
                        + "CompletionStage for " + w.coordinates());
            }
        } catch (Exception | Error e) {
            thrown = e;
        } finally {
            if (watchdog != null) {
                watchdog.end();
            }
        }
        boolean timedOut = watchdog != null && watchdog.timedOut(w);
        if (thrown != null || stage == BlockingProcessor.DONE || timedOut) {
            return endAttempt(w, context, thrown, timedOut, start);
        }
        PendingAttempt p = new PendingAttempt(this, from, w, context, start, stage);
        if (watchdog != null) {
            watchdog.watch(p); // before it is published: an end from expedite() must find it to unwatch it
        }
        w.pending = p;
        stage.whenComplete((ignored, e) -> p.stageCompleted(e));
        if (w.epoch.discarded) {
            p.cancel(); // dropped while the attempt was starting: expedite() may have missed it
        }
        return Dispatcher.PENDING;
    }

    /** Ends an asynchronous attempt (see {@link PendingAttempt}); returns what {@link Task#run} would have. */
    long endPending(PendingAttempt p, Throwable thrown, boolean timedOut) {
        if (watchdog != null) {
            watchdog.unwatch(p);
        }
        try {
            return endAttempt(p.work, p.context, thrown, timedOut, p.startNanos);
        } catch (Throwable t) {
            return failedOutsideTheProcessor(p.work, t);
        }
    }

    /**
     * Something outside the processor call failed for {@code w}: an ERROR names the record, and it ends like a
     * record whose last attempt failed (failure.action), unless its store writes were already made visible to
     * later records: then it stops the pipeline, which cannot take them back. Either way the record completes, so
     * its partition commits on; it is never left without an end.
     */
    private long failedOutsideTheProcessor(Work w, Throwable t) {
        if (w.handedBack) {
            log.error("[app={}] record {} failed after it was handed back", app, w.coordinates(), t);
            return -1;
        }
        ConsumerRecord<byte[], byte[]> raw = w.raw;
        ProcessingException failure = new ProcessingException("The record failed outside the processor: " + t,
                raw.topic(), raw.partition(), raw.offset(), t);
        try {
            if (w.epoch.discarded) {
                return cancel(w);
            }
            if (w.stateWrites != null) {
                log.error("[app={}] record {} failed outside the processor after its store writes became "
                        + "visible; stopping the pipeline", app, w.coordinates(), t);
                w.failure = failure;
                return handBack(w);
            }
            log.error("[app={}] record {} failed outside the processor; failure.action applies to it", app,
                    w.coordinates(), t);
            return finalFailure(w, failure);
        } catch (Throwable again) {
            t.addSuppressed(again);
            w.failure = failure;
            return handBack(w);
        }
    }

    /**
     * The attempt of {@code w} ended ({@code thrown} null: it returned, or its stage completed, normally): hands
     * the record back as completed, or returns the delay of its retry, or applies the failure policy.
     */
    private long endAttempt(Work w, RecordContext context, Throwable thrown, boolean timedOut, long startNanos) {
        var outputs = context.close(timedOut || w.epoch.discarded);
        long took = metrics.timed() ? System.nanoTime() - startNanos : 0;
        RuntimeException misuse = context.misuse();
        if (misuse != null && !w.epoch.discarded) {
            context.discardState();
            metrics.attemptFailed(took);
            w.failure = new ProcessingException(misuse.getMessage(), w.raw.topic(), w.raw.partition(),
                    w.raw.offset(), misuse);
            return handBack(w);
        }
        if (timedOut && thrown == null) {
            thrown = new TimeoutException("processing.timeout.ms (" + timeoutMs + " ms) exceeded");
        } else if (timedOut && !(thrown instanceof TimeoutException)) {
            thrown = new TimeoutException("processing.timeout.ms (" + timeoutMs + " ms) exceeded; the processor "
                    + "then threw " + thrown);
        }
        if (thrown == null) {
            metrics.attemptSucceeded(took);
            w.setOutputs(outputs);
            w.setStateWrites(context.completeState());
            return handBack(w);
        }
        context.discardState();
        noteFailure(w);
        metrics.attemptFailed(took);
        if (w.epoch.discarded) {
            return cancel(w);
        }
        ConsumerRecord<byte[], byte[]> raw = w.raw;
        if (thrown instanceof Error) {
            w.failure = new ProcessingException("The processor failed with an error: " + thrown, raw.topic(),
                    raw.partition(), raw.offset(), thrown);
            return handBack(w);
        }
        Exception e = thrown instanceof Exception ex ? ex : new ProcessingException(thrown.toString(), raw.topic(),
                raw.partition(), raw.offset(), thrown);
        if (!(e instanceof NonRetryableException) && retry.shouldRetry(w.attempts)) {
            long delay = retry.delayMs(w.attempts, ThreadLocalRandom.current());
            metrics.retried();
            log.info("[app={}] record {} failed (attempt {} of {}), retrying in {} ms: {}", app, w.coordinates(),
                    w.attempts, retry.maxAttempts, delay, e.toString());
            return delay;
        }
        return finalFailure(w, e);
    }

    /** A misuse of the API that came after its attempt ended, or null; it stops the pipeline. */
    public ProcessingException lateMisuse() {
        return lateMisuse.get();
    }

    private long cancel(Work w) {
        w.cancelled = true;
        return handBack(w);
    }

    /** Hands the record back to the poll thread as completed (done, failed or cancelled); once only. */
    private long handBack(Work w) {
        completed.accept(w);
        w.handedBack = true;
        return -1;
    }

    private long finalFailure(Work w, Exception cause) {
        try {
            w.setOutputs(failures.onFailure(w.raw, cause, w.attempts, w.firstFailureMs, w.lastFailureMs));
        } catch (ProcessingException stop) {
            w.failure = stop;
        }
        return handBack(w);
    }

    private static void noteFailure(Work w) {
        long now = System.currentTimeMillis();
        if (w.firstFailureMs == 0) {
            w.firstFailureMs = now;
        }
        w.lastFailureMs = now;
    }
}
