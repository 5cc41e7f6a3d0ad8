package dev.eos.internals.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.AsyncProcessor;
import dev.eos.DeadLetter;
import dev.eos.FailureAction;
import dev.eos.NonRetryableException;
import dev.eos.OutputTopic;
import dev.eos.internals.failure.FailurePolicy;
import dev.eos.internals.failure.RetryPolicy;
import dev.eos.internals.metrics.PipelineMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Attempts of an {@link AsyncProcessor}: ended by their stage, a timeout or a dropped epoch, exactly once. */
class AsyncAttemptTest {

    private static final TopicPartition TP = new TopicPartition("in", 0);
    private static final OutputTopic<String, String> OUT = OutputTopic.of("out", Serdes.String(), Serdes.String());

    private final LinkedBlockingQueue<Work> completed = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService remote = Executors.newScheduledThreadPool(2);
    private Dispatcher dispatcher;

    @AfterEach
    void stop() {
        remote.shutdownNow();
        if (dispatcher != null) {
            dispatcher.shutdownNow();
        }
    }

    private void start(AsyncProcessor<String, String> processor, int attempts, long timeoutMs) {
        AttemptWatchdog watchdog = timeoutMs > 0 ? new AttemptWatchdog("test", 0, timeoutMs, System::nanoTime) : null;
        RecordRunner<String, String> runner = new RecordRunner<>("test", "i1", Serdes.String().deserializer(),
                Serdes.String().deserializer(), processor, Map.of("out", OUT),
                new RetryPolicy(attempts, 0, 0, 1.0, 0.0), new FailurePolicy("test", FailureAction.DEAD_LETTER, "dlq",
                PipelineMetrics.NOOP), watchdog, timeoutMs, completed::add, PipelineMetrics.NOOP, false, Map.of(),
                PartitionCounts.UNKNOWN);
        dispatcher = new Dispatcher("test", 2, runner, watchdog);
    }

    private Work submit(long offset, String key, Epoch epoch) {
        ConsumerRecord<byte[], byte[]> raw = new ConsumerRecord<>("in", 0, offset, key.getBytes(StandardCharsets.UTF_8),
                ("v" + offset).getBytes(StandardCharsets.UTF_8));
        Work w = new Work(raw, TP, epoch, new OrderingKey(TP, raw.key()));
        dispatcher.submit(w);
        return w;
    }

    private Work next() throws InterruptedException {
        Work w = completed.poll(20, TimeUnit.SECONDS);
        assertThat(w).as("a record completed").isNotNull();
        return w;
    }

    private static String value(Work w, int i) {
        return new String(w.outputs.get(i).value(), StandardCharsets.UTF_8);
    }

    private <T> CompletableFuture<T> later(long ms, java.util.concurrent.Callable<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        remote.schedule(() -> {
            try {
                f.complete(call.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        }, ms, TimeUnit.MILLISECONDS);
        return f;
    }

    /** Emits from the thread that completes the stage, after process returned, are the record's outputs. */
    @Test
    void shouldTakeTheEmitsOfTheStageAsTheOutputs() throws Exception {
        start((record, context) -> later(50, () -> {
            context.emit(OUT, record.key(), "a:" + record.value());
            context.emit(OUT, record.key(), "b:" + record.value());
            return null;
        }), 3, 0);
        submit(7, "k", new Epoch());
        Work w = next();
        assertThat(w.attempts).isEqualTo(1);
        assertThat(w.failure).isNull();
        assertThat(w.outputs).hasSize(2);
        assertThat(value(w, 0)).isEqualTo("a:v7");
        assertThat(value(w, 1)).isEqualTo("b:v7");
    }

    /** A stage that completes exceptionally fails the attempt: its emits are dropped and the record retried. */
    @Test
    void shouldRetryAnAttemptWhoseStageFailed() throws Exception {
        start((record, context) -> later(20, () -> {
            context.emit(OUT, record.key(), "attempt " + context.attempt());
            if (context.attempt() < 3) {
                throw new IllegalStateException("remote call failed");
            }
            return null;
        }), 3, 0);
        submit(1, "k", new Epoch());
        Work w = next();
        assertThat(w.attempts).isEqualTo(3);
        assertThat(w.outputs).hasSize(1);
        assertThat(value(w, 0)).isEqualTo("attempt 3");
    }

    /** A NonRetryableException from the stage skips the retries; null instead of a stage fails each attempt. */
    @Test
    void shouldDeadLetterANonRetryableStageFailureAndANullStage() throws Exception {
        start((record, context) -> record.key().equals("null") ? null
                : later(10, () -> {
                    throw new NonRetryableException("bad record " + record.value());
                }), 3, 0);
        submit(1, "k", new Epoch());
        Work w = next();
        assertThat(w.attempts).isEqualTo(1);
        assertThat(w.outputs).hasSize(1);
        assertThat(w.outputs.get(0).topic()).isEqualTo("dlq");
        assertThat(DeadLetter.header(w.outputs.get(0).headers(), DeadLetter.EXCEPTION_MESSAGE)).isEqualTo("bad record v1");
        submit(2, "null", new Epoch());
        Work n = next();
        assertThat(n.attempts).isEqualTo(3);
        assertThat(n.outputs.get(0).topic()).isEqualTo("dlq");
        assertThat(DeadLetter.header(n.outputs.get(0).headers(), DeadLetter.EXCEPTION_MESSAGE))
                .contains("returned null").contains("in-0@2");
    }

    /**
     * A stage that does not complete within processing.timeout.ms fails the attempt and is cancelled; when it
     * completes later anyway, its emit is refused and nothing of it reaches the record.
     */
    @Test
    void shouldTimeOutAStageThatNeverCompletesAndIgnoreItsLateResult() throws Exception {
        AtomicReference<CompletableFuture<Void>> first = new AtomicReference<>();
        AtomicReference<dev.eos.ProcessorContext> firstContext = new AtomicReference<>();
        start((record, context) -> {
            if (context.attempt() == 1) {
                first.set(new CompletableFuture<>()); // a call that never answers
                firstContext.set(context);
                return first.get();
            }
            context.emit(OUT, record.key(), "attempt " + context.attempt());
            return CompletableFuture.completedFuture(null);
        }, 3, 100);
        submit(1, "k", new Epoch());
        Work w = next();
        assertThat(w.attempts).isEqualTo(2);
        assertThat(value(w, 0)).isEqualTo("attempt 2");
        awaitDone(first.get()); // cancelled on a worker thread, just after the attempt ended
        assertThat(first.get()).as("the timed-out stage is cancelled").isCancelled();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> firstContext.get().emit(OUT, "k", "late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("in-0@1").hasMessageContaining("ended");
        assertThat(w.outputs).hasSize(1);
    }

    /** Under KEY order the next record of a key starts only once the stage of the previous one completed. */
    @Test
    void shouldStartTheNextRecordOfAKeyOnlyAfterTheStageOfThePreviousCompleted() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        start((record, context) -> {
            events.add("start " + record.key() + record.offset());
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return later(30, () -> {
                inFlight.decrementAndGet();
                events.add("end " + record.key() + record.offset());
                context.emit(OUT, record.key(), record.value());
                return null;
            });
        }, 1, 0);
        Epoch epoch = new Epoch();
        for (int i = 0; i < 12; i++) {
            submit(i, "k" + (i % 3), epoch);
        }
        List<Work> done = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            done.add(next());
        }
        for (int k = 0; k < 3; k++) {
            List<String> ofKey = new ArrayList<>();
            for (String e : events) {
                if (e.substring(e.indexOf(' ') + 1).startsWith("k" + k)) {
                    ofKey.add(e);
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = k; i < 12; i += 3) {
                expected.add("start k" + k + i);
                expected.add("end k" + k + i);
            }
            assertThat(ofKey).as("key k%d: each record starts after the previous one ended", k).isEqualTo(expected);
        }
        assertThat(maxInFlight.get()).as("different keys wait at the same time on 2 worker threads").isEqualTo(3);
    }

    /** A dropped epoch ends the pending attempt at once: the record is cancelled and its key freed. */
    @Test
    void shouldCancelAPendingAttemptWhenItsEpochIsDropped() throws Exception {
        start((record, context) -> record.offset() == 1 ? new CompletableFuture<Void>()
                : CompletableFuture.completedFuture(null), 1, 0);
        Epoch old = new Epoch();
        Work stuck = submit(1, "k", old);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (stuck.pending == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(stuck.pending).as("the attempt waits on its stage").isNotNull();
        assertThat(completed).isEmpty();
        old.discarded = true;
        dispatcher.expedite(stuck);
        Work w = next();
        assertThat(w).isSameAs(stuck);
        assertThat(w.cancelled).isTrue();
        Work after = submit(2, "k", new Epoch());
        assertThat(next()).as("the key is free for the next epoch").isSameAs(after);
        assertThat(after.cancelled).isFalse();
    }

    private static void awaitDone(CompletableFuture<?> stage) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!stage.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private void awaitPending(Work w) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (w.pending == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(w.pending).as("the attempt waits on its stage").isNotNull();
    }

    /**
     * A dropped epoch cancels the stage of its pending attempt, as a timeout does, so that the remote call stops
     * instead of piling up across rebalances; the stage's callbacks run on a worker, not on the thread that
     * dropped the epoch.
     */
    @Test
    void shouldCancelTheStageOfAnAttemptWhoseEpochIsDropped() throws Exception {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        AtomicReference<String> callbackThread = new AtomicReference<>();
        stage.whenComplete((r, e) -> callbackThread.set(Thread.currentThread().getName()));
        start((record, context) -> stage, 1, 0);
        Epoch old = new Epoch();
        Work stuck = submit(1, "k", old);
        awaitPending(stuck);
        old.discarded = true;
        dispatcher.expedite(stuck);
        assertThat(next().cancelled).isTrue();
        awaitDone(stage);
        assertThat(stage.isCancelled()).as("the dropped attempt's stage is cancelled").isTrue();
        assertThat(callbackThread.get()).contains("-worker-");
        assertThat(dispatcher.abandonedStages()).isZero();
    }

    /**
     * A stage that cannot be cancelled (a minimal completion stage) still runs after its attempt's epoch was
     * dropped: it counts against the in-flight limits until it ends.
     */
    @Test
    void shouldCountAnAbandonedStageUntilItEnds() throws Exception {
        CompletableFuture<Void> remoteCall = new CompletableFuture<>();
        start((record, context) -> remoteCall.minimalCompletionStage(), 1, 0);
        Epoch old = new Epoch();
        Work dropped = submit(1, "k", old);
        awaitPending(dropped);
        old.discarded = true;
        dispatcher.expedite(dropped);
        assertThat(next().cancelled).isTrue();
        assertThat(dispatcher.abandonedStages()).as("the stage still runs").isEqualTo(1);
        remoteCall.complete(null);
        assertThat(dispatcher.abandonedStages()).as("ended with the remote call").isZero();
    }

    /**
     * Timing out a stage that refuses cancellation (a minimal completion stage throws
     * UnsupportedOperationException) neither stops the watchdog, so the next stuck record times out too, nor
     * forgets the stage, which counts until it ends.
     */
    @Test
    void shouldKeepTimingOutAfterAStageRefusedCancellation() throws Exception {
        CompletableFuture<Void> remoteCall = new CompletableFuture<>();
        start((record, context) -> remoteCall.minimalCompletionStage(), 1, 100);
        submit(1, "k1", new Epoch());
        assertThat(next().outputs.get(0).topic()).as("timed out, dead-lettered").isEqualTo("dlq");
        submit(2, "k2", new Epoch());
        assertThat(next().outputs.get(0).topic()).as("the second one times out too").isEqualTo("dlq");
        assertThat(dispatcher.abandonedStages()).isEqualTo(2);
        remoteCall.complete(null);
        assertThat(dispatcher.abandonedStages()).isZero();
    }
}
