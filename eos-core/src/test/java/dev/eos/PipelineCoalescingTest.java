package dev.eos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eos.MockKafka.TestProducer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Coalesced output topics against Kafka's MockProducer: a transaction writes the latest value per key of a
 * coalesced topic and every value of the others, with the input range each coalesced output covers; an aborted
 * transaction's held values are never written.
 */
class PipelineCoalescingTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final OutputTopic<String, String> LATEST =
            OutputTopic.of("latest", Serdes.String(), Serdes.String()).coalesced();
    private static final OutputTopic<String, String> EVENTS = OutputTopic.of("events", Serdes.String(),
            Serdes.String());

    private final MockKafka kafka = new MockKafka(List.of(P0));
    private Pipeline<String, String> pipeline;

    PipelineCoalescingTest() {
        kafka.topics = java.util.Set.of("in", "latest", "events");
    }

    private Pipeline.Builder<String, String> builder() {
        return Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers("mock:9092").applicationId("app").instanceId("i1")
                .inputTopics("in").outputTopic(LATEST).outputTopic(EVENTS)
                .concurrency(2)
                .config("commit.eager", false)
                .config("retry.backoff.ms", 0)
                .processor((r, c) -> {
                    c.emit(LATEST, r.key(), r.value());
                    c.emit(EVENTS, r.key(), r.value());
                })
                .clients(kafka);
    }

    @AfterEach
    void closePipeline() {
        if (pipeline != null) {
            pipeline.close(Duration.ofSeconds(10));
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        MockKafka.await(what, condition);
    }

    private void feed(int from, int to, String prefix) {
        for (int i = from; i < to; i++) {
            kafka.consumer.add(P0, i, "k" + (i % 7), prefix + i);
        }
    }

    /** The committed records of {@code topic}, in the order written. */
    private List<ProducerRecord<byte[], byte[]>> committed(String topic) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (TestProducer p : kafka.producers) {
            p.history().stream().filter(r -> r.topic().equals(topic)).forEach(out::add);
        }
        return out;
    }

    private static String describe(ProducerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8) + "=" + new String(r.value(), StandardCharsets.UTF_8)
                + " covers " + DeadLetter.header(r.headers(), Provenance.SOURCE_FIRST_OFFSET) + ".."
                + DeadLetter.header(r.headers(), Provenance.SOURCE_OFFSET);
    }

    @Test
    void shouldWriteTheLatestValuePerKeyOfATransactionAndEveryValueOfOtherTopics() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        pipeline = builder().config("commit.interval.ms", 600_000).meterRegistry(registry)
                .config("transaction.timeout.ms", 900_000).build(); // one transaction: the one at close
        pipeline.start();
        await("running with the partition assigned", () -> pipeline.state() == Pipeline.State.RUNNING
                && kafka.consumer.assignment().size() == 1);
        feed(0, 21, "v");
        await("every record's events sent into the open transaction", () -> kafka.producers.stream()
                .mapToLong(p -> p.uncommittedRecords().stream().filter(r -> r.topic().equals("events")).count())
                .sum() == 21);
        pipeline.close(Duration.ofSeconds(10));
        assertThat(kafka.committedOffsets()).containsEntry(P0, 21L);
        assertThat(committed("events")).hasSize(21);
        Map<String, String> latest = new LinkedHashMap<>();
        committed("latest").forEach(r -> latest.put(new String(r.key(), StandardCharsets.UTF_8), describe(r)));
        assertThat(committed("latest")).hasSize(7);
        // key k<i> had the inputs i, i+7, i+14: one output, the last value, covering the first to the last
        for (int i = 0; i < 7; i++) {
            assertThat(latest).containsEntry("k" + i, "k" + i + "=v" + (i + 14) + " covers " + i + ".." + (i + 14));
        }
        assertThat(committed("latest")).allSatisfy(r -> assertThat(DeadLetter.header(r.headers(),
                Provenance.SOURCE_TOPIC)).isEqualTo("in"));
        assertThat(registry.find("eos.outputs.coalesced").counter().count()).as("outputs never written")
                .isEqualTo(14.0);
    }

    @Test
    void shouldNeverWriteTheHeldValuesOfAnAbortedTransaction() {
        kafka.commitHook = p -> {
            if (p.transactionalId.endsWith("-0") && p.commitCalls.get() == 1) {
                throw new KafkaException("an abortable error");
            }
        };
        pipeline = builder().config("commit.interval.ms", 50).build();
        pipeline.start();
        await("running with the partition assigned", () -> pipeline.state() == Pipeline.State.RUNNING
                && kafka.consumer.assignment().size() == 1);
        feed(0, 14, "aborted-");
        TestProducer first = kafka.producers.get(0);
        await("the first transaction aborted", first::transactionAborted);
        await("rewound", () -> kafka.committedOffsets().isEmpty() && kafka.consumer.position(P0) == 0);
        feed(0, 14, "v"); // what the rewound consumer reads again
        await("committed", () -> Long.valueOf(14).equals(kafka.committedOffsets().get(P0)));
        assertThat(committed("latest")).extracting(PipelineCoalescingTest::describe)
                .noneMatch(d -> d.contains("aborted-"))
                .isNotEmpty();
        // whatever the transactions were, the last value of each key is its last input
        Map<String, String> last = new LinkedHashMap<>();
        committed("latest").forEach(r -> last.put(new String(r.key(), StandardCharsets.UTF_8),
                new String(r.value(), StandardCharsets.UTF_8)));
        for (int i = 0; i < 7; i++) {
            assertThat(last).containsEntry("k" + i, "v" + (i + 7));
        }
    }

    @Test
    void shouldRefuseACoalescedDeadLetterTopicAndATopicDeclaredBothWays() {
        assertThatThrownBy(() -> builder().config("failure.action", "DEAD_LETTER")
                .config("dead.letter.topic", "latest").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'latest' is the dead-letter topic and a coalesced output topic");
        assertThatThrownBy(() -> builder().outputTopic(OutputTopic.of("latest", Serdes.String(), Serdes.String())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declared twice, once coalesced and once not");
    }
}
