package com.example.wordcount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eos.Pipeline;
import dev.eos.spring.EosPipelines;
import dev.eos.testkit.ChildJvm;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The sample application against a real local broker, started and stopped as Spring Boot does it. */
@WithKafkaCluster
class WordCountApplicationIT {

    private static final String[] VOCABULARY = "apple banana cherry date elder fig grape".split(" ");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private KafkaCluster kafka;
    private String run;
    @TempDir
    Path stateDir;

    @BeforeEach
    void topics(KafkaCluster kafka) {
        this.kafka = kafka;
        this.run = "spring-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopics(3, run + "-lines", run + "-words", run + "-counts", run + "-poison");
    }

    @Test
    void shouldCountEveryWordExactlyOnceAcrossAGracefulRestartWithReadinessAndMeters() throws Exception {
        Map<String, Long> expected = new HashMap<>();
        long words = produceLines(0, 150, expected);
        try (ConfigurableApplicationContext app = start(WordCountApplication.class)) {
            int port = port(app);
            awaitTrue("readiness UP", () -> get(port, "/actuator/health/readiness").statusCode() == 200);
            // readiness can be UP a moment before the group assigns the partitions, whose stores then restore
            // (OUT_OF_SERVICE): the count pipeline is UP and RUNNING once they are restored
            awaitTrue("the count pipeline UP and RUNNING", () -> {
                String body = get(port, "/actuator/health/eos/count").body();
                return body.contains("\"status\":\"UP\"") && body.contains("\"state\":\"RUNNING\"");
            });
            awaitTrue("all counts of the first lines", () -> countsOf(readCounts()) == words);
            String prometheus = get(port, "/actuator/prometheus").body();
            assertThat(prometheus).contains("eos_records_processed_total")
                    .contains("application=\"" + run + "-count\"");
            EosPipelines pipelines = app.getBean(EosPipelines.class);
            app.close();
            assertThat(pipelines.all().values()).allMatch(p -> p.state() == Pipeline.State.STOPPED);
        }

        long more = produceLines(150, 300, expected);
        try (ConfigurableApplicationContext app = start(WordCountApplication.class)) {
            awaitTrue("all counts", () -> countsOf(readCounts()) >= words + more);
        }
        Map<String, List<Long>> emitted = readCounts();
        assertThat(countsOf(emitted)).isEqualTo(words + more);
        expected.forEach((word, n) -> {
            List<Long> seq = new ArrayList<>();
            for (long c = 1; c <= n; c++) {
                seq.add(c);
            }
            assertThat(emitted.get(word)).as("counts of '%s', each once and in order", word).isEqualTo(seq);
        });
    }

    @Test
    void shouldTurnHealthDownAndLivenessBrokenWhenAPipelineFails() throws Exception {
        try (ConfigurableApplicationContext app = start(WordCountApplication.class, PoisonPipeline.class,
                "--eos.pipelines.poison.config.failure.action=STOP")) {
            int port = port(app);
            awaitTrue("readiness UP", () -> get(port, "/actuator/health/readiness").statusCode() == 200);
            assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
            produce(run + "-poison", "k", "poison");
            awaitTrue("eos/poison DOWN", () -> get(port, "/actuator/health/eos/poison").statusCode() == 503);
            HttpResponse<String> poison = get(port, "/actuator/health/eos/poison");
            assertThat(poison.body()).contains("\"status\":\"DOWN\"").contains("\"state\":\"FAILED\"")
                    .contains("a poison record");
            assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(503);
            assertThat(get(port, "/actuator/health/readiness").statusCode()).isEqualTo(503);
            assertThat(get(port, "/actuator/health/eos/split").body()).contains("\"status\":\"UP\"");
        }
    }

    @Test
    void shouldExitWithCodeOneWhenAPipelineFailsAndExitOnFailureIsSet() throws Exception {
        ChildJvm jvm = ChildJvm.start("spring-poison", PoisonPipeline.class.getName(),
                List.of("--server.port=0", "--eos.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--eos.exit-on-failure=true", "--eos.pipelines.poison.config.failure.action=STOP",
                        "--eos.pipelines.poison.application-id=" + run + "-poison",
                        "--eos.pipelines.split.application-id=" + run + "-split",
                        "--eos.pipelines.count.application-id=" + run + "-count",
                        "--eos.config.state.dir=" + stateDir, "--test.poison-topic=" + run + "-poison",
                        "--wordcount.lines-topic=" + run + "-lines", "--wordcount.words-topic=" + run + "-words",
                        "--wordcount.counts-topic=" + run + "-counts"),
                List.of("-Xmx256m"), Path.of("target", "it-logs"));
        try {
            awaitTrue("the application started", () -> jvm.log().contains("started eos pipelines"));
            produce(run + "-poison", "k", "poison");
            OptionalInt code = jvm.awaitExit(60);
            assertThat(code).as("exit code; log: %s", jvm.logFile()).hasValue(1);
            assertThat(jvm.log()).contains("eos pipeline 'poison' failed; the application exits with code 1");
        } finally {
            jvm.kill();
        }
    }

    @Test
    void shouldStartWithoutAvailabilityProbesAndShowEosInTheOverallHealth() throws Exception {
        try (ConfigurableApplicationContext app = start(WordCountApplication.class,
                "--management.endpoint.health.probes.enabled=false")) {
            int port = port(app);
            awaitTrue("health UP", () -> get(port, "/actuator/health").statusCode() == 200);
            assertThat(get(port, "/actuator/health").body()).contains("\"eos\":{\"components\":{\"count\"");
            assertThat(get(port, "/actuator/health/readiness").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void shouldFailStartupNamingAWrongProperty() {
        assertThatThrownBy(() -> start(WordCountApplication.class, "--eos.pipelines.count.config.ordering=SIDEWAYS"))
                .hasStackTraceContaining("eos pipeline 'count' has an invalid setting "
                        + "(from eos.pipelines.count.config.ordering)")
                .hasStackTraceContaining("SIDEWAYS");
    }

    private ConfigurableApplicationContext start(Class<?> app, String... args) {
        return start(new Class<?>[] {app}, args);
    }

    private ConfigurableApplicationContext start(Class<?> app, Class<?> more, String... args) {
        return start(new Class<?>[] {app, more}, args);
    }

    private ConfigurableApplicationContext start(Class<?>[] sources, String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0",
                "--eos.bootstrap-servers=" + kafka.bootstrapServers(),
                "--eos.pipelines.split.application-id=" + run + "-split",
                "--eos.pipelines.count.application-id=" + run + "-count",
                "--eos.config.state.dir=" + stateDir, "--test.poison-topic=" + run + "-poison",
                "--wordcount.lines-topic=" + run + "-lines", "--wordcount.words-topic=" + run + "-words",
                "--wordcount.counts-topic=" + run + "-counts"));
        if (sources.length > 1) {
            all.add("--eos.pipelines.poison.application-id=" + run + "-poison");
        }
        all.addAll(List.of(args));
        return new SpringApplicationBuilder(sources).run(all.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    /** Produces lines [from, to) and adds their words to {@code expected}; returns the number of words. */
    private long produceLines(int from, int to, Map<String, Long> expected) {
        long words = 0;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = from; i < to; i++) {
                StringBuilder line = new StringBuilder();
                for (int w = 0; w <= i % 4; w++) {
                    String word = VOCABULARY[(i * 3 + w) % VOCABULARY.length];
                    line.append(w == 0 ? "" : " ").append(word);
                    expected.merge(word, 1L, Long::sum);
                    words++;
                }
                producer.send(new ProducerRecord<>(run + "-lines", "line-" + i, line.toString()));
            }
        }
        return words;
    }

    private void produce(String topic, String key, String value) {
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, key, value));
        }
    }

    private KafkaProducer<String, String> producer() {
        // one request in flight: a first request to a just-created partition that fails with NOT_LEADER_OR_FOLLOWER
        // cannot be overtaken by the next one, which would then fail with OUT_OF_ORDER_SEQUENCE_NUMBER until it
        // expires (KAFKA-15591) and leave the input unwritten
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new StringSerializer(),
                new StringSerializer());
    }

    /** Every committed count, per word, in the order of its partition. */
    private Map<String, List<Long>> readCounts() {
        Map<String, List<Long>> counts = new HashMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new LongDeserializer())) {
            var partitions = consumer.partitionsFor(run + "-counts").stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) {
                    counts.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                }
            }
        }
        return counts;
    }

    private static long countsOf(Map<String, List<Long>> counts) {
        return counts.values().stream().mapToLong(List::size).sum();
    }
}
