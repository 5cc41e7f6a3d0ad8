package dev.eos;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The eos.* meters and Pipeline.health() move as records are processed, fail, retry and are dead-lettered. */
class PipelineMetricsTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);
    private static final OutputTopic<String, String> OUT = OutputTopic.of("out", Serdes.String(), Serdes.String());

    private final MockKafka kafka = new MockKafka(List.of(P0, P1));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Pipeline<String, String> pipeline;

    private Pipeline.Builder<String, String> builder(Processor<String, String> processor) {
        return Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers("mock:9092").applicationId("app").instanceId("i1")
                .inputTopics("in").outputTopic(OUT).concurrency(2)
                .config("commit.eager", false).config("commit.interval.ms", 50)
                .config("retry.backoff.ms", 0).config("retry.max.attempts", 3)
                .meterRegistry(registry).processor(processor).clients(kafka);
    }

    private void start(Pipeline.Builder<String, String> b) {
        pipeline = b.build();
        pipeline.start();
        await(() -> pipeline.state() == Pipeline.State.RUNNING && kafka.consumer.assignment().size() == 2);
    }

    @AfterEach
    void close() {
        if (pipeline != null) {
            pipeline.close(Duration.ofSeconds(10));
        }
    }

    private static void await(BooleanSupplier condition) {
        MockKafka.await("a condition", condition);
    }

    private double count(String name) {
        var c = registry.find(name).tag("application", "app").counter();
        return c == null ? -1 : c.count();
    }

    private void feed(TopicPartition tp, int from, int to) {
        for (int i = from; i < to; i++) {
            kafka.consumer.add(tp, i, "k" + i, "v" + i);
        }
    }

    @Test
    void shouldCountProcessedFailedRetriedAndDeadLetteredRecordsAndCommits() {
        start(builder((r, c) -> {
            if (r.offset() % 5 == 0) {
                throw new IllegalStateException("poison " + r.offset());
            }
            c.emit(OUT, r.key(), r.value());
        }).deadLetterTopic("dlq"));
        feed(P0, 0, 20);
        await(() -> Long.valueOf(20).equals(kafka.committedOffsets().get(P0)));
        await(() -> pipeline.health().lastCommit().isPresent()); // the poll thread applies the outcome
        pipeline.close(Duration.ofSeconds(10)); // no commit runs while the counts are read
        assertThat(count("eos.records.processed")).isEqualTo(16);
        assertThat(count("eos.records.failed.attempts")).isEqualTo(12); // 4 poison records x 3 attempts
        assertThat(count("eos.records.retried")).isEqualTo(8);
        assertThat(count("eos.records.dead.lettered")).isEqualTo(4);
        assertThat(count("eos.records.skipped")).isZero();
        assertThat(registry.find("eos.record.processing").timer().count()).isEqualTo(28);
        assertThat(count("eos.transactions.committed")).isGreaterThanOrEqualTo(1);
        assertThat(registry.find("eos.commit").timer().count())
                .isEqualTo((long) count("eos.transactions.committed"));
        assertThat(count("eos.rebalances")).isEqualTo(1);
    }

    @Test
    void shouldCountSkippedRecords() {
        start(builder((r, c) -> {
            throw new NonRetryableException("never");
        }).config("failure.action", "SKIP"));
        feed(P1, 0, 3);
        await(() -> Long.valueOf(3).equals(kafka.committedOffsets().get(P1)));
        assertThat(count("eos.records.skipped")).isEqualTo(3);
        assertThat(count("eos.records.retried")).isZero();
    }

    @Test
    void shouldCountFencingAndAborts() {
        kafka.commitHook = p -> {
            if (p.transactionalId.endsWith("-0") && p.commitCalls.get() == 1) {
                throw new ProducerFencedException("fenced");
            }
        };
        start(builder((r, c) -> c.emit(OUT, r.key(), r.value())));
        feed(P0, 0, 5);
        await(() -> count("eos.producers.fenced") == 1);
        assertThat(count("eos.transactions.aborted")).isGreaterThanOrEqualTo(1);
    }

    private boolean hasClientMeter(String clientId) {
        return registry.getMeters().stream().anyMatch(m -> m.getId().getName().startsWith("kafka.producer")
                && m.getId().getTags().stream().anyMatch(t -> t.getValue().equals(clientId)));
    }

    @Test
    void shouldRebindTheClientMetricsOfAReplacedProducer() {
        kafka.commitHook = p -> {
            if (p.transactionalId.endsWith("-0") && p.commitCalls.get() == 1) {
                throw new ProducerFencedException("fenced");
            }
        };
        start(builder((r, c) -> c.emit(OUT, r.key(), r.value())));
        assertThat(hasClientMeter("mock-producer-1")).as("slot 0's first producer").isTrue();
        assertThat(hasClientMeter("mock-producer-2")).as("slot 1's producer").isTrue();
        feed(P0, 0, 5);
        await(() -> kafka.producers.size() == 3);
        await(() -> hasClientMeter("mock-producer-3"));
        assertThat(hasClientMeter("mock-producer-1")).as("the fenced producer's meters are gone").isFalse();
        assertThat(hasClientMeter("mock-producer-2")).isTrue();
    }

    @Test
    void shouldShowAStuckRecordInHealthAndGauges() {
        CountDownLatch never = new CountDownLatch(1);
        start(builder((r, c) -> {
            if (r.partition() == 0 && r.offset() == 2) {
                never.await();
            }
            c.emit(OUT, r.key(), r.value());
        }).config("processing.timeout.ms", 0));
        try {
            feed(P0, 0, 10);
            await(() -> pipeline.health().oldestInFlight().orElse("").equals("in-0@2")
                    && pipeline.health().oldestInFlightAge().toMillis() >= 200);
            PipelineHealth h = pipeline.health();
            assertThat(h.state()).isEqualTo(Pipeline.State.RUNNING);
            assertThat(h.oldestInFlightStarted()).isTrue();
            assertThat(h.recordsInFlight()).isEqualTo(8); // offsets 2..9: the stuck one and the seven held behind it
            assertThat(h.toString()).contains("in-0@2");
            assertThat(registry.find("eos.records.in.flight").gauge().value()).isEqualTo(8);
            assertThat(registry.find("eos.records.held").gauge().value()).isEqualTo(7);
            assertThat(registry.find("eos.records.oldest.age").gauge().value()).isGreaterThanOrEqualTo(0.2);
        } finally {
            never.countDown();
        }
    }

    /** Without a registry nothing reaches Micrometer, not even its global registry. */
    @Test
    void shouldRegisterNothingWithoutARegistry() {
        SimpleMeterRegistry global = new SimpleMeterRegistry();
        Metrics.addRegistry(global);
        try {
            pipeline = Pipeline.builder(Serdes.String(), Serdes.String())
                    .bootstrapServers("mock:9092").applicationId("plain").inputTopics("in").outputTopic(OUT)
                    .config("commit.eager", false).config("commit.interval.ms", 50)
                    .processor((r, c) -> c.emit(OUT, r.key(), r.value())).clients(kafka).build();
            pipeline.start();
            await(() -> pipeline.state() == Pipeline.State.RUNNING && kafka.consumer.assignment().size() == 2);
            feed(P0, 0, 5);
            await(() -> Long.valueOf(5).equals(kafka.committedOffsets().get(P0)));
            await(() -> pipeline.health().lastCommit().isPresent());
            assertThat(global.getMeters()).isEmpty();
            assertThat(Metrics.globalRegistry.getMeters()).isEmpty();
            assertThat(pipeline.health().state()).isEqualTo(Pipeline.State.RUNNING);
        } finally {
            Metrics.removeRegistry(global);
        }
    }

    /**
     * A pipeline that fails with records in flight: health() then shows nothing in flight, awaitTermination()
     * throws with the failure as its cause, and its Duration overload answers at once.
     */
    @Test
    void shouldShowNothingInFlightAfterFailingAndEndAwaitTerminationWithTheFailure() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        start(builder((r, c) -> {
            if (r.partition() == 1) {
                never.await(); // interrupted when the pipeline stops
            }
            if (r.partition() == 0 && r.offset() == 3) {
                throw new NonRetryableException("bad record");
            }
            c.emit(OUT, r.key(), r.value());
        }).concurrency(4)); // two workers held by partition 1, two free for partition 0
        assertThat(pipeline.awaitTermination(Duration.ofMillis(50))).as("running: not terminated").isFalse();
        feed(P1, 0, 2);
        await(() -> pipeline.health().recordsInFlight() == 2);
        feed(P0, 0, 5);
        org.assertj.core.api.Assertions.assertThatThrownBy(pipeline::awaitTermination)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("failed")
                .cause().isSameAs(pipeline.failure()).hasMessageContaining("in-0@3");
        PipelineHealth h = pipeline.health();
        assertThat(h.state()).isEqualTo(Pipeline.State.FAILED);
        assertThat(h.recordsInFlight()).isZero();
        assertThat(h.oldestInFlight()).isEmpty();
        assertThat(h.restoring()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pipeline.awaitTermination(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
    }

    /** awaitTermination() returns once a close() from another thread has stopped the pipeline. */
    @Test
    void shouldReturnFromAwaitTerminationAfterAClose() throws Exception {
        start(builder((r, c) -> c.emit(OUT, r.key(), r.value())));
        Thread closer = new Thread(() -> pipeline.close(Duration.ofSeconds(10)));
        closer.start();
        pipeline.awaitTermination();
        assertThat(pipeline.state()).isEqualTo(Pipeline.State.STOPPED);
        assertThat(pipeline.awaitTermination(Duration.ofMillis(1))).isTrue();
        closer.join();
    }
}
