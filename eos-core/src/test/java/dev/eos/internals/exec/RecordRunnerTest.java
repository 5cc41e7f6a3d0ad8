package dev.eos.internals.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.DeadLetter;
import dev.eos.FailureAction;
import dev.eos.OutputTopic;
import dev.eos.Processor;
import dev.eos.internals.failure.FailurePolicy;
import dev.eos.internals.failure.RetryPolicy;
import dev.eos.internals.metrics.PipelineMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class RecordRunnerTest {

    private static final TopicPartition TP = new TopicPartition("in", 0);
    private static final OutputTopic<String, String> OUT = OutputTopic.of("out", Serdes.String(), Serdes.String());

    private final LinkedBlockingQueue<Work> completed = new LinkedBlockingQueue<>();
    private PartitionCounts partitionCounts = PartitionCounts.UNKNOWN;
    private RecordRunner<String, String> lastRunner;
    private Map<String, OutputTopic<?, ?>> declaredOutputs = Map.of("out", OUT);

    private Work runToCompletion(Processor<String, String> processor, int attempts, long timeoutMs)
            throws InterruptedException {
        return runToCompletion(processor, attempts, timeoutMs, Serdes.String().deserializer(), completed::add);
    }

    private Work runToCompletion(Processor<String, String> processor, int attempts, long timeoutMs,
            Deserializer<String> valueDeserializer, java.util.function.Consumer<Work> handBack)
            throws InterruptedException {
        return runAsyncToCompletion(BlockingProcessor.of(processor), attempts, timeoutMs, valueDeserializer, handBack);
    }

    private Work runAsyncToCompletion(dev.eos.AsyncProcessor<String, String> processor, int attempts, long timeoutMs,
            Deserializer<String> valueDeserializer, java.util.function.Consumer<Work> handBack)
            throws InterruptedException {
        AttemptWatchdog watchdog = new AttemptWatchdog("test", 0, timeoutMs, System::nanoTime);
        RecordRunner<String, String> runner = new RecordRunner<>("test", "i1", Serdes.String().deserializer(),
                valueDeserializer, processor, declaredOutputs,
                new RetryPolicy(attempts, 0, 0, 1.0, 0.0), new FailurePolicy("test", FailureAction.DEAD_LETTER, "dlq",
                PipelineMetrics.NOOP), watchdog, timeoutMs, handBack, PipelineMetrics.NOOP, false, Map.of(),
                partitionCounts);
        lastRunner = runner;
        Dispatcher d = new Dispatcher("test", 2, runner, watchdog);
        try {
            ConsumerRecord<byte[], byte[]> raw = new ConsumerRecord<>("in", 0, 42, "k".getBytes(StandardCharsets.UTF_8),
                    "v".getBytes(StandardCharsets.UTF_8));
            raw.headers().add("origin", "a".getBytes(StandardCharsets.UTF_8));
            d.submit(new Work(raw, TP, new Epoch(), new OrderingKey(TP, raw.key())));
            Work w = completed.poll(20, TimeUnit.SECONDS);
            assertThat(w).as("the record completed").isNotNull();
            return w;
        } finally {
            d.shutdownNow();
        }
    }

    /** A hung attempt is interrupted at processing.timeout.ms and counts as failed; the retry succeeds. */
    @Test
    void shouldInterruptAnAttemptPastTheTimeoutAndRetryIt() throws Exception {
        Work w = runToCompletion((record, context) -> {
            if (context.attempt() == 1) {
                Thread.sleep(60_000); // a remote call that never answers
            }
            context.emit(OUT, record.key(), "done on attempt " + context.attempt());
        }, 3, 100);
        assertThat(w.attempts).isEqualTo(2);
        assertThat(w.outputs).hasSize(1);
        assertThat(new String(w.outputs.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("done on attempt 2");
    }

    /** An attempt that swallows the interrupt and returns late is still a failed attempt: its outputs are dropped. */
    @Test
    void shouldDiscardTheOutputsOfAnAttemptThatReturnedAfterTheTimeout() throws Exception {
        Work w = runToCompletion((record, context) -> {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
            while (System.nanoTime() < until) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ignored) {
                    // a processor that ignores interruption
                }
            }
            context.emit(OUT, record.key(), "late");
        }, 1, 100);
        assertThat(w.outputs).hasSize(1);
        ProducerRecord<byte[], byte[]> dead = w.outputs.get(0);
        assertThat(dead.topic()).isEqualTo("dlq");
        assertThat(DeadLetter.header(dead.headers(), DeadLetter.EXCEPTION_CLASS))
                .isEqualTo(java.util.concurrent.TimeoutException.class.getName());
        assertThat(DeadLetter.header(dead.headers(), DeadLetter.EXCEPTION_MESSAGE)).contains("processing.timeout.ms");
    }

    /** Header changes of one attempt reach neither the retry nor the dead-letter copy. */
    @Test
    void shouldGiveEachAttemptItsOwnCopyOfTheHeaders() throws Exception {
        List<Integer> headersSeen = new CopyOnWriteArrayList<>();
        Work w = runToCompletion((record, context) -> {
            headersSeen.add(record.headers().toArray().length);
            record.headers().add(new RecordHeader("added-by-attempt", new byte[] {1}));
            record.headers().remove("origin");
            throw new IllegalStateException("fails every time");
        }, 3, 0);
        assertThat(headersSeen).as("each attempt sees only the input's one header").containsExactly(1, 1, 1);
        ProducerRecord<byte[], byte[]> dead = w.outputs.get(0);
        assertThat(DeadLetter.header(dead.headers(), "origin")).isEqualTo("a");
        assertThat(dead.headers().lastHeader("added-by-attempt")).isNull();
        assertThat(DeadLetter.header(dead.headers(), DeadLetter.ATTEMPTS)).isEqualTo("3");
    }

    /** The output timestamp is the input's unless an emit chooses one; an emit may choose the partition. */
    @Test
    void shouldKeepTheInputTimestampUnlessTheEmitChoosesOne() {
        Work w1 = new Work(new ConsumerRecord<>("in", 0, 1, new byte[0], new byte[0]), TP, new Epoch(), null);
        List<RuntimeException> late = new CopyOnWriteArrayList<>();
        RecordContext c = RecordContext.forAttempt(Map.of("out", OUT), "a", "i", w1, 1234L, 1, true, null,
                PartitionCounts.UNKNOWN, late::add);
        c.emit(OUT, "k", "v");
        c.emit(dev.eos.OutputRecord.to(OUT, "k", "v").withTimestamp(99L).withPartition(3));
        List<ProducerRecord<byte[], byte[]>> out = c.close(false);
        assertThat(out.get(0).timestamp()).isEqualTo(1234L);
        assertThat(out.get(0).partition()).isNull();
        assertThat(out.get(1).timestamp()).isEqualTo(99L);
        assertThat(out.get(1).partition()).isEqualTo(3);
        assertThat(DeadLetter.header(out.get(0).headers(), dev.eos.Provenance.SOURCE_TOPIC)).isEqualTo("in");
        assertThat(DeadLetter.header(out.get(0).headers(), dev.eos.Provenance.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(DeadLetter.header(out.get(1).headers(), dev.eos.Provenance.SOURCE_OFFSET)).isEqualTo("1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.emit(OUT, "k", "late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("in-0@1");
        assertThat(late).as("an emit after the attempt ended on its own is reported").hasSize(1);
        OutputTopic<String, String> undeclared = OutputTopic.of("other", Serdes.String(), Serdes.String());
        RecordContext c2 = RecordContext.forAttempt(Map.of("out", OUT), "a", "i", w1, 1L, 1, false, null,
                PartitionCounts.UNKNOWN, late::add);
        c2.emit(OUT, "k", "v");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c2.emit(undeclared, "k", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other");
        assertThat(c2.close(false).get(0).headers().lastHeader(dev.eos.Provenance.SOURCE_TOPIC)).as("off by default")
                .isNull();
    }

    /**
     * An Error from a deserializer (a StackOverflowError, an OutOfMemoryError from a bogus length prefix) is a
     * record that cannot be deserialized: failure.action applies to it, as to any other such record, instead of
     * the record never completing and its partition never committing again.
     */
    @Test
    void shouldApplyTheFailureActionToARecordWhoseDeserializerThrowsAnError() throws Exception {
        Deserializer<String> broken = (topic, data) -> {
            throw new StackOverflowError("a recursive schema");
        };
        Work w = runToCompletion((record, context) -> context.emit(OUT, record.key(), "never"), 3, 0, broken,
                completed::add);
        assertThat(w.failure).isNull();
        assertThat(w.outputs).hasSize(1);
        assertThat(w.outputs.get(0).topic()).isEqualTo("dlq");
        assertThat(DeadLetter.header(w.outputs.get(0).headers(), DeadLetter.EXCEPTION_MESSAGE))
                .contains("StackOverflowError").contains("in-0@42");
    }

    /**
     * A failure outside the processor call, here in handing the completed record back, still completes the
     * record: failure.action applies once, and the record is handed back as failed instead of never.
     */
    @Test
    void shouldApplyTheFailureActionToARecordThatFailsOutsideTheProcessor() throws Exception {
        java.util.concurrent.atomic.AtomicInteger handBacks = new java.util.concurrent.atomic.AtomicInteger();
        Work w = runToCompletion((record, context) -> context.emit(OUT, record.key(), "done"), 3, 0,
                Serdes.String().deserializer(), work -> {
                    if (handBacks.incrementAndGet() == 1) {
                        throw new IllegalStateException("a bug on the way back");
                    }
                    completed.add(work);
                });
        assertThat(handBacks.get()).isEqualTo(2);
        assertThat(w.outputs).hasSize(1);
        assertThat(w.outputs.get(0).topic()).isEqualTo("dlq");
        assertThat(DeadLetter.header(w.outputs.get(0).headers(), DeadLetter.EXCEPTION_MESSAGE))
                .contains("a bug on the way back");
    }

    /**
     * An emit to a partition the output topic does not have fails the record at once (NonRetryableException, so
     * failure.action applies, here a dead letter naming topic, partition and count) instead of failing every commit
     * that sends it.
     */
    @Test
    void shouldFailAnEmitToAPartitionTheOutputTopicDoesNotHave() throws Exception {
        partitionCounts = topic -> topic.equals("out") ? 6 : -1;
        Work w = runToCompletion((record, context) -> {
            context.emit(dev.eos.OutputRecord.to(OUT, record.key(), "fine").withPartition(5));
            context.emit(dev.eos.OutputRecord.to(OUT, record.key(), "lost").withPartition(99));
        }, 3, 0);
        assertThat(w.attempts).as("not retried").isEqualTo(1);
        assertThat(w.outputs).hasSize(1);
        assertThat(w.outputs.get(0).topic()).isEqualTo("dlq");
        assertThat(DeadLetter.header(w.outputs.get(0).headers(), DeadLetter.EXCEPTION_CLASS))
                .isEqualTo(dev.eos.NonRetryableException.class.getName());
        assertThat(DeadLetter.header(w.outputs.get(0).headers(), DeadLetter.EXCEPTION_MESSAGE))
                .contains("partition 99").contains("'out'").contains("6 partitions").contains("in-0@42");
    }

    /**
     * An emit to an output topic that was not declared is a programming error: the record's attempt ends in a
     * pipeline stop (the failure names the rule), not in retries and a dead letter, even if the processor caught
     * the exception.
     */
    @Test
    void shouldStopThePipelineOnAnEmitToAnUndeclaredTopicWhateverTheFailureAction() throws Exception {
        OutputTopic<String, String> undeclared = OutputTopic.of("typo", Serdes.String(), Serdes.String());
        Work w = runToCompletion((record, context) -> {
            try {
                context.emit(undeclared, record.key(), "v");
            } catch (IllegalArgumentException swallowed) {
                // a processor that catches everything still stops the pipeline
            }
        }, 3, 0);
        assertThat(w.attempts).as("not retried").isEqualTo(1);
        assertThat(w.outputs).as("not dead-lettered").isNullOrEmpty();
        assertThat(w.failure).isNotNull();
        assertThat(w.failure.getMessage()).contains("'typo'").contains("not declared").contains("[out]")
                .contains("programming error").contains("in-0@42");
    }

    /**
     * Declarations match by name and serializers: a second OutputTopic instance made alike works; one with other
     * serializers stops the pipeline with a message that says two instances of the same name were used.
     */
    @Test
    void shouldMatchOutputTopicsByNameAndSerializers() throws Exception {
        OutputTopic<String, String> alike = OutputTopic.of("out", Serdes.String(), Serdes.String());
        Work ok = runToCompletion((record, context) -> context.emit(alike, record.key(), "v"), 3, 0);
        assertThat(ok.failure).isNull();
        assertThat(ok.outputs).hasSize(1);
        assertThat(ok.outputs.get(0).topic()).isEqualTo("out");

        OutputTopic<String, Long> other = OutputTopic.of("out", Serdes.String(), Serdes.Long());
        Work bad = runToCompletion((record, context) -> context.emit(other, record.key(), 1L), 3, 0);
        assertThat(bad.failure).isNotNull();
        assertThat(bad.failure.getMessage()).contains("another OutputTopic instance").contains("LongSerializer");
    }

    /** Stores match by name, serdes and kind, like output topics; the message names both instances. */
    @Test
    void shouldMatchStoresByNameSerdesAndKind() {
        dev.eos.StoreDefinition<String, Long> declared = dev.eos.StoreDefinition.persistent("counts",
                Serdes.String(), Serdes.Long());
        Declared.checkStore(Map.of("counts", declared), dev.eos.StoreDefinition.persistent("counts",
                Serdes.String(), Serdes.Long()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Declared.checkStore(Map.of("counts", declared),
                dev.eos.StoreDefinition.inMemory("counts", Serdes.String(), Serdes.Integer())))
                .hasMessageContaining("another StoreDefinition instance").hasMessageContaining("IntegerSerde")
                .hasMessageContaining("programming error");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Declared.checkStore(Map.of("counts", declared),
                dev.eos.StoreDefinition.persistent("count", Serdes.String(), Serdes.Long())))
                .hasMessageContaining("'count' is not declared").hasMessageContaining("[counts]");
    }

    /** A serializer that throws fails the record at once (not retried), and the message names the output topic. */
    @Test
    void shouldFailARecordWhoseOutputCannotBeSerializedWithoutRetrying() throws Exception {
        OutputTopic<String, String> strict = OutputTopic.of("out", Serdes.String(), Serdes.serdeFrom(
                (topic, data) -> {
                    throw new IllegalArgumentException("no nulls here");
                }, Serdes.String().deserializer()));
        declaredOutputs = Map.of("out", strict);
        Work w = runToCompletion((record, context) -> context.emit(strict, record.key(), "v"), 3, 0);
        assertThat(w.attempts).as("not retried").isEqualTo(1);
        assertThat(w.outputs.get(0).topic()).isEqualTo("dlq");
        assertThat(DeadLetter.header(w.outputs.get(0).headers(), DeadLetter.EXCEPTION_MESSAGE))
                .contains("output topic 'out'").contains("value").contains("no nulls here").contains("in-0@42");
    }

    /**
     * An asynchronous processor that emits from a future it did not return: the attempt completed without the
     * output, and the late emit is reported as a misuse that stops the pipeline instead of vanishing.
     */
    @Test
    void shouldReportAnEmitFromAStageTheProcessorDidNotReturn() throws Exception {
        java.util.concurrent.CompletableFuture<Void> detached = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<dev.eos.ProcessorContext> kept =
                new java.util.concurrent.atomic.AtomicReference<>();
        Work w = runAsyncToCompletion((record, context) -> {
            kept.set(context);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }, 3, 0, Serdes.String().deserializer(), completed::add);
        assertThat(w.failure).isNull();
        assertThat(lastRunner.lateMisuse()).isNull();
        var after = detached.thenRun(() -> kept.get().emit(OUT, "k", "late"));
        detached.complete(null);
        assertThat(after).isCompletedExceptionally();
        assertThat(lastRunner.lateMisuse()).isNotNull();
        assertThat(lastRunner.lateMisuse().getMessage()).contains("after the attempt of in-0@42 ended")
                .contains("must return a stage");
    }

    /** After an attempt that was timed out, a late emit from the still-running processor is refused, not reported. */
    @Test
    void shouldNotReportALateEmitAfterATimedOutAttempt() throws Exception {
        java.util.concurrent.atomic.AtomicReference<dev.eos.ProcessorContext> kept =
                new java.util.concurrent.atomic.AtomicReference<>();
        Work w = runAsyncToCompletion((record, context) -> {
            kept.set(context);
            return new java.util.concurrent.CompletableFuture<Void>(); // never completes: timed out
        }, 1, 100, Serdes.String().deserializer(), completed::add);
        assertThat(w.outputs.get(0).topic()).isEqualTo("dlq");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> kept.get().emit(OUT, "k", "late"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(lastRunner.lateMisuse()).isNull();
    }
}
