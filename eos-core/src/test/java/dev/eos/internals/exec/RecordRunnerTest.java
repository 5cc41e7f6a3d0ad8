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

    private Work runToCompletion(Processor<String, String> processor, int attempts, long timeoutMs)
            throws InterruptedException {
        return runToCompletion(processor, attempts, timeoutMs, Serdes.String().deserializer(), completed::add);
    }

    private Work runToCompletion(Processor<String, String> processor, int attempts, long timeoutMs,
            Deserializer<String> valueDeserializer, java.util.function.Consumer<Work> handBack)
            throws InterruptedException {
        AttemptWatchdog watchdog = new AttemptWatchdog("test", 0, timeoutMs, System::nanoTime);
        RecordRunner<String, String> runner = new RecordRunner<>("test", "i1", Serdes.String().deserializer(),
                valueDeserializer, BlockingProcessor.of(processor), Map.of("out", OUT),
                new RetryPolicy(attempts, 0, 0, 1.0, 0.0), new FailurePolicy("test", FailureAction.DEAD_LETTER, "dlq",
                PipelineMetrics.NOOP), watchdog, timeoutMs, handBack, PipelineMetrics.NOOP, false, Map.of(),
                partitionCounts);
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
        RecordContext c = RecordContext.forAttempt(Map.of("out", OUT), "a", "i", w1, 1234L, 1, true, null,
                PartitionCounts.UNKNOWN);
        c.emit(OUT, "k", "v");
        c.emit(dev.eos.OutputRecord.to(OUT, "k", "v").withTimestamp(99L).withPartition(3));
        List<ProducerRecord<byte[], byte[]>> out = c.close();
        assertThat(out.get(0).timestamp()).isEqualTo(1234L);
        assertThat(out.get(0).partition()).isNull();
        assertThat(out.get(1).timestamp()).isEqualTo(99L);
        assertThat(out.get(1).partition()).isEqualTo(3);
        assertThat(DeadLetter.header(out.get(0).headers(), dev.eos.Provenance.SOURCE_TOPIC)).isEqualTo("in");
        assertThat(DeadLetter.header(out.get(0).headers(), dev.eos.Provenance.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(DeadLetter.header(out.get(1).headers(), dev.eos.Provenance.SOURCE_OFFSET)).isEqualTo("1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.emit(OUT, "k", "late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("in-0@1");
        OutputTopic<String, String> undeclared = OutputTopic.of("other", Serdes.String(), Serdes.String());
        RecordContext c2 = RecordContext.forAttempt(Map.of("out", OUT), "a", "i", w1, 1L, 1, false, null,
                PartitionCounts.UNKNOWN);
        c2.emit(OUT, "k", "v");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c2.emit(undeclared, "k", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other");
        assertThat(c2.close().get(0).headers().lastHeader(dev.eos.Provenance.SOURCE_TOPIC)).as("off by default")
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
}
