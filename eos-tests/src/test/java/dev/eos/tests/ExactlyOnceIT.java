package dev.eos.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import dev.eos.ProcessingException;
import dev.eos.examples.MapExample;
import dev.eos.examples.Verifier;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The pipeline in this JVM against the real local cluster: a normal run, and a record that fails. */
@WithKafkaCluster
class ExactlyOnceIT {

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void shouldOutputEveryInputRecordExactlyOnceInOrderPerKey(String protocol, KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "normal-" + protocol, 6)) {
            f.produce(20_000);
            Pipeline<String, String> p = MapExample.pipeline(f.bootstrap(), f.app, "i1", f.input, f.output,
                    Map.of("consumer.group.protocol", protocol));
            p.start();
            try {
                f.awaitOutput(Duration.ofMinutes(2));
                assertThat(p.state()).isEqualTo(Pipeline.State.RUNNING);
            } finally {
                assertThat(p.close(Duration.ofSeconds(30))).isTrue();
            }
            assertThat(p.state()).isEqualTo(Pipeline.State.STOPPED);
            f.verifyExactlyOnceInOrder();
        }
    }

    @Test
    void shouldFailWithTheRecordCoordinatesAndCommitNothingOfAFailingRecord(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "failing", 1)) {
            f.produce(100);
            OutputTopic<String, String> out = OutputTopic.of(f.output, Serdes.String(), Serdes.String());
            CompletableFuture<Throwable> fatal = new CompletableFuture<>();
            Pipeline<String, String> p = Pipeline.builder(Serdes.String(), Serdes.String())
                    .bootstrapServers(f.bootstrap()).applicationId(f.app).inputTopics(f.input).outputTopic(out)
                    .config("commit.max.records", 10)
                    .processor((r, ctx) -> {
                        if (r.value().equals("000000057")) {
                            throw new IllegalArgumentException("bad record");
                        }
                        ctx.emit(out, r.key(), MapExample.PREFIX + r.value());
                    })
                    .fatalErrorHandler(fatal::complete)
                    .build();
            p.start();
            Throwable cause = fatal.get(60, TimeUnit.SECONDS);
            assertThat(cause).isInstanceOf(ProcessingException.class).hasMessageContaining("bad record");
            ProcessingException pe = (ProcessingException) cause;
            assertThat(pe.topic()).isEqualTo(f.input);
            assertThat(pe.offset()).isEqualTo(57);
            p.close(Duration.ofSeconds(10));
            assertThat(p.state()).isEqualTo(Pipeline.State.FAILED);
            // what committed is a prefix of the partition that stops before the failing record, with no duplicate
            List<Integer> ids = new ArrayList<>();
            Verifier.readAll(f.bootstrap(), f.output)
                    .forEach(r -> ids.add(Integer.parseInt(r.value().substring(MapExample.PREFIX.length()))));
            assertThat(ids).hasSizeLessThanOrEqualTo(57);
            assertThat(ids).containsExactlyElementsOf(IntStream.range(0, ids.size()).boxed().toList());
        }
    }

    @Test
    void shouldRefuseToStartWhenATopicIsMissing(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "missing", 1)) {
            Pipeline<String, String> noOutput = MapExample.pipeline(f.bootstrap(), f.app, "i1", f.input,
                    "no-such-output", Map.of());
            assertThatThrownBy(noOutput::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("output topic(s) [no-such-output] do not exist");
            assertThat(noOutput.state()).isEqualTo(Pipeline.State.FAILED);
            Pipeline<String, String> noInput = MapExample.pipeline(f.bootstrap(), f.app, "i1", "no-such-input",
                    f.output, Map.of());
            assertThatThrownBy(noInput::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("input topic(s) [no-such-input] do not exist");
        }
    }

    @Test
    void shouldRejectBadConfigurationBeforeTouchingTheBroker(KafkaCluster kafka) {
        assertThatThrownBy(() -> MapExample.pipeline(kafka.bootstrapServers(), "bad", "i1", "in", "out",
                Map.of("consumer.isolation.level", "read_uncommitted")))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("consumer.isolation.level").hasMessageContaining("read_committed");
        assertThatThrownBy(() -> MapExample.pipeline(kafka.bootstrapServers(), "bad", "i1", "in", "out",
                Map.of("commit.interval.ms", 20_000, "transaction.timeout.ms", 10_000)))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("transaction.timeout.ms");
    }
}
