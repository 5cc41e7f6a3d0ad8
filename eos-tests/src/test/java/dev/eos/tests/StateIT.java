package dev.eos.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eos.DeadLetter;
import dev.eos.KeyValueStore;
import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import dev.eos.StoreDefinition;
import dev.eos.examples.Verifier;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stateful pipelines in this JVM against the real local cluster: a count per key whose emitted values must be
 * exactly 1, 2, ..., n per key (n = the key's records in the input) across clean restarts (the local copies are
 * current: the restore reads nothing), a deleted or corrupted local store (rebuilt from the changelog), partitions
 * moving to another instance (restored there), and the errors for a shared state directory and a changelog that is
 * not compacted only.
 */
@WithKafkaCluster
class StateIT {

    private static final StoreDefinition<String, Long> COUNTS =
            StoreDefinition.persistent("counts", Serdes.String(), Serdes.Long());

    @TempDir
    Path tmp;

    private static Pipeline<String, String> counter(Fixture f, String instance, Path stateDir) {
        return counter(f, instance, stateDir, "classic");
    }

    private static Pipeline<String, String> counter(Fixture f, String instance, Path stateDir, String protocol) {
        return counter(f, instance, stateDir, protocol, new SimpleMeterRegistry());
    }

    private static Pipeline<String, String> counter(Fixture f, String instance, Path stateDir, String protocol,
            MeterRegistry registry) {
        OutputTopic<String, String> out = OutputTopic.of(f.output, Serdes.String(), Serdes.String());
        return Pipeline.builder(Serdes.String(), Serdes.String()).meterRegistry(registry)
                .bootstrapServers(f.bootstrap()).applicationId(f.app).instanceId(instance)
                .inputTopics(f.input).outputTopic(out).store(COUNTS)
                .config("state.dir", stateDir.toString())
                .config(protocol.equals("classic") ? Map.of("consumer.session.timeout.ms", 6000,
                        "consumer.heartbeat.interval.ms", 1000) : Map.of("consumer.group.protocol", protocol))
                .processor((record, context) -> {
                    KeyValueStore<String, Long> counts = context.store(COUNTS);
                    Long n = counts.get(record.key());
                    long next = n == null ? 1 : n + 1;
                    counts.put(record.key(), next);
                    context.emit(out, record.key(), Long.toString(next));
                })
                .build();
    }

    /** Checks that each key's emitted counts are exactly 1..n, n its number of input records. */
    private static void assertCountsExactlyOnce(Fixture f) {
        Map<String, Long> expected = new HashMap<>();
        for (ConsumerRecord<String, String> r : Verifier.readAll(f.bootstrap(), f.input)) {
            expected.merge(r.key(), 1L, Long::sum);
        }
        Map<String, List<Long>> emitted = new HashMap<>();
        for (ConsumerRecord<String, String> r : Verifier.readAll(f.bootstrap(), f.output)) {
            emitted.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Long.parseLong(r.value()));
        }
        assertThat(emitted.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, n) -> {
            List<Long> seq = new ArrayList<>();
            for (long i = 1; i <= n; i++) {
                seq.add(i);
            }
            assertThat(emitted.get(key)).as("counts emitted for " + key).containsExactlyElementsOf(seq);
        });
    }

    private static void awaitOutputs(Fixture f, long n) {
        try (CommittedCounter counter = new CommittedCounter(f.bootstrap(), List.of(f.output), v -> null)) {
            counter.awaitTotal(n, Duration.ofMinutes(2));
        }
    }

    @Test
    void shouldCountExactlyOnceAcrossCleanRestartsAndADeletedOrCorruptedLocalStore(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "state-restart", 4)) {
            Path dir = tmp.resolve("a");
            f.produce(4_000);
            Pipeline<String, String> p = counter(f, "i1", dir);
            p.start();
            awaitOutputs(f, 4_000);
            assertThat(p.close(Duration.ofSeconds(30))).isTrue();

            f.produce(3_000); // a restart from the local copies, flushed by the clean close
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            p = counter(f, "i1", dir, "classic", registry);
            p.start();
            awaitOutputs(f, 7_000);
            assertThat(registry.get("eos.restore.records").functionCounter().count())
                    .as("changelog records restored after a clean close").isZero();
            assertThat(p.health().restoring()).isEmpty();
            assertThat(p.close(Duration.ofSeconds(30))).isTrue();

            deleteRecursively(dir); // the local copy is gone: rebuilt from the changelog
            f.produce(3_000);
            p = counter(f, "i1", dir);
            p.start();
            awaitOutputs(f, 10_000);
            assertThat(p.close(Duration.ofSeconds(30))).isTrue();

            // a corrupted local copy (its checkpoint intact) cannot be opened: deleted and rebuilt
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path current : files.filter(x -> x.getFileName().toString().equals("CURRENT")).toList()) {
                    Files.writeString(current, "garbage");
                }
            }
            f.produce(2_000);
            p = counter(f, "i1", dir);
            p.start();
            awaitOutputs(f, 12_000);
            assertThat(p.close(Duration.ofSeconds(30))).isTrue();
            assertCountsExactlyOnce(f);
        }
    }

    @Test
    void shouldKeepTheStoresOfPartitionsRevokedAndAssignedBackInOneRebalance(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "state-keep", 4)) {
            f.produce(2_000);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Pipeline<String, String> first = counter(f, "i1", tmp.resolve("keep-i1"), "classic", registry);
            first.start();
            awaitOutputs(f, 2_000);
            assertThat(restores(registry)).as("restores of i1 alone").isEqualTo(4);
            // the classic protocol's default (range) assignor is eager: i1 gives up every partition and gets two back
            SimpleMeterRegistry registry2 = new SimpleMeterRegistry();
            Pipeline<String, String> second = counter(f, "i2", tmp.resolve("keep-i2"), "classic", registry2);
            second.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (restores(registry2) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50); // until i2 has restored its share
            }
            assertThat(restores(registry2)).as("restores of i2").isEqualTo(2);
            f.produce(2_000);
            awaitOutputs(f, 4_000);
            assertThat(registry.get("eos.rebalances").counter().count()).as("rebalances of i1").isGreaterThan(1);
            assertThat(restores(registry)).as("restores of i1: the partitions it got back kept their open stores")
                    .isEqualTo(4);
            assertThat(second.close(Duration.ofSeconds(30))).isTrue();
            assertThat(first.close(Duration.ofSeconds(30))).isTrue();
            assertCountsExactlyOnce(f);
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void shouldRestorePartitionsMovedToAnotherInstance(String protocol, KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "state-move-" + protocol, 4)) {
            f.produce(5_000);
            Pipeline<String, String> first = counter(f, "i1", tmp.resolve(protocol + "-i1"), protocol);
            first.start();
            awaitOutputs(f, 5_000);
            Pipeline<String, String> second = counter(f, "i2", tmp.resolve(protocol + "-i2"), protocol);
            second.start(); // takes about half of the partitions, restoring their stores from the changelog
            Thread.sleep(5_000);
            f.produce(5_000);
            awaitOutputs(f, 10_000);
            assertThat(first.close(Duration.ofSeconds(30))).isTrue(); // the rest moves to the second instance too
            f.produce(2_000);
            awaitOutputs(f, 12_000);
            assertThat(second.close(Duration.ofSeconds(30))).isTrue();
            assertCountsExactlyOnce(f);
            try (Stream<Path> files = Files.list(tmp.resolve(protocol + "-i2").resolve(f.app).resolve("counts"))) {
                assertThat(files.count()).as("i2 ended with a local copy of every partition").isEqualTo(4);
            }
        }
    }

    /**
     * A store value larger than the changelog accepts (here max.message.bytes of 20,000 on the changelog) fails the
     * record that writes it, which is dead-lettered, and the pipeline commits on, instead of every commit failing.
     */
    @Test
    void shouldDeadLetterARecordWhoseStoreValueIsLargerThanTheChangelogAccepts(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "state-large", 2)) {
            String dlq = f.app + "-dlq";
            kafka.createTopics(1, dlq);
            StoreDefinition<String, String> last = StoreDefinition.persistent("last", Serdes.String(), Serdes.String());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", f.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(last.changelogTopic(f.app), 2, kafka.replicationFactor())
                        .configs(Map.of("cleanup.policy", "compact", "max.message.bytes", "20000")))).all().get();
            }
            f.produce(500);
            String big = "000000321";
            OutputTopic<String, String> out = OutputTopic.of(f.output, Serdes.String(), Serdes.String());
            Pipeline<String, String> p = Pipeline.builder(Serdes.String(), Serdes.String())
                    .bootstrapServers(f.bootstrap()).applicationId(f.app).inputTopics(f.input).outputTopic(out)
                    .store(last).deadLetterTopic(dlq).config("state.dir", tmp.resolve("large").toString())
                    .processor((record, context) -> {
                        context.store(last).put(record.key(), record.value().equals(big)
                                ? "x".repeat(50_000) : record.value());
                        context.emit(out, record.key(), record.value());
                    })
                    .build();
            p.start();
            try {
                awaitOutputs(f, 499);
                try (CommittedCounter dead = new CommittedCounter(f.bootstrap(), List.of(dlq), v -> v)) {
                    assertThat(dead.awaitDistinct(1, Duration.ofMinutes(2))).isEqualTo(1);
                }
            } finally {
                p.close(Duration.ofSeconds(30));
            }
            assertThat(p.state()).isEqualTo(Pipeline.State.STOPPED);
            List<ConsumerRecord<String, String>> dead = Verifier.readAll(f.bootstrap(), dlq);
            assertThat(dead).extracting(ConsumerRecord::value).containsExactly(big);
            assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetter.EXCEPTION_MESSAGE))
                    .contains("store 'last'").contains("20000");
        }
    }

    @Test
    void shouldRefuseASecondInstanceOnTheSameStateDirectory(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "state-lock", 1)) {
            Path dir = tmp.resolve("shared");
            Pipeline<String, String> first = counter(f, "i1", dir);
            first.start();
            Pipeline<String, String> second = counter(f, "i2", dir);
            try {
                second.start();
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (second.state() != Pipeline.State.FAILED && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(second.state()).isEqualTo(Pipeline.State.FAILED);
                assertThat(second.failure()).hasMessageContaining("in use by another instance")
                        .hasMessageContaining(dir.resolve(f.app).toString());
                assertThat(first.state()).isIn(Pipeline.State.RUNNING, Pipeline.State.REBALANCING,
                        Pipeline.State.STARTING);
            } finally {
                second.close(Duration.ofSeconds(10));
                assertThat(first.close(Duration.ofSeconds(30))).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "cleanup.policy={0}")
    @ValueSource(strings = {"delete", "compact,delete"})
    void shouldRefuseAChangelogThatIsNotCompactedOnly(String policy, KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "state-policy-" + policy.replace(',', '-'), 2)) {
            String changelog = COUNTS.changelogTopic(f.app);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, f.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(changelog, 2, (short) 1)
                        .configs(Map.of("cleanup.policy", policy)))).all().get();
            }
            Pipeline<String, String> p = counter(f, "i1", tmp.resolve("p"));
            assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("changelog topic '" + changelog + "'")
                    .hasMessageContaining("cleanup.policy=" + policy);
            assertThat(p.state()).isEqualTo(Pipeline.State.FAILED);
        }
    }

    /** The pipeline's {@code eos.restores}; 0 until it has bound its meters. */
    private static double restores(MeterRegistry registry) {
        io.micrometer.core.instrument.FunctionCounter c = registry.find("eos.restores").functionCounter();
        return c == null ? 0 : c.count();
    }

    private static void deleteRecursively(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
