package dev.eos.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.DeadLetter;
import dev.eos.Pipeline;
import dev.eos.Provenance;
import dev.eos.examples.MapExample;
import dev.eos.examples.audit.OutputAudit;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code eos verify} finds planted faults (a missing output, an input processed in two transactions, an output
 * of unknown source) and ignores aborted outputs; it finds the pipeline's own output clean; exit codes; and a
 * worker's Prometheus endpoint shows the eos meters.
 */
@WithKafkaCluster
class AuditIT {

    private static String run(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static KafkaProducer<String, String> producer(KafkaCluster kafka, String transactionalId) {
        Map<String, Object> c = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<String, String> p = new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
        p.initTransactions();
        return p;
    }

    private static ProducerRecord<String, String> output(String topic, String input, long offset, String txn) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, 0, "k", "out-" + offset);
        r.headers().add(Provenance.SOURCE_TOPIC, input.getBytes(StandardCharsets.UTF_8));
        r.headers().add(Provenance.SOURCE_PARTITION, "0".getBytes(StandardCharsets.UTF_8));
        r.headers().add(Provenance.SOURCE_OFFSET, String.valueOf(offset).getBytes(StandardCharsets.UTF_8));
        r.headers().add(DeadLetter.TRANSACTION, txn.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    /** Runs {@code eos} in a child JVM; returns its exit code and output. */
    static Object[] cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.eos.examples.cli.EosCli"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Object[] {p.exitValue(), out};
    }

    /**
     * Outputs without provenance headers cannot be audited: verify says so (exit 3, how to turn them on) instead of
     * calling every input missing; with headers, missing inputs get a hint at a topic that looks like a dead-letter
     * topic.
     */
    @Test
    void shouldSayItCannotAuditOutputsWithoutProvenanceAndHintAtTheDeadLetterTopic(KafkaCluster kafka)
            throws Exception {
        String name = run("audit-plain");
        String in = name + "-in";
        String out = name + "-out";
        kafka.createTopics(1, in, out, name + "-dlq");
        try (KafkaProducer<String, String> p = producer(kafka, name + "-writer")) {
            p.beginTransaction();
            for (int i = 0; i < 10; i++) {
                p.send(new ProducerRecord<>(in, 0, "k", "in-" + i));
                p.send(new ProducerRecord<>(out, 0, "k", "out-" + i)); // as a pipeline without the headers writes
            }
            p.commitTransaction();
        }
        Object[] res = cli("verify", "--bootstrap", kafka.bootstrapServers(), "--input", in, "--output", out);
        assertThat(res[0]).as((String) res[1]).isEqualTo(3);
        assertThat((String) res[1]).contains("audit: UNKNOWN").contains("output.provenance.headers=true")
                .doesNotContain("VIOLATED");

        String traced = name + "-traced";
        kafka.createTopics(1, traced);
        try (KafkaProducer<String, String> p = producer(kafka, name + "-writer-2")) {
            p.beginTransaction();
            for (int i = 0; i < 10; i++) {
                if (i != 3) {
                    p.send(output(traced, in, i, "app-w1-0:s:1"));
                }
            }
            p.commitTransaction();
        }
        res = cli("verify", "--bootstrap", kafka.bootstrapServers(), "--input", in, "--output", traced);
        assertThat(res[0]).as((String) res[1]).isEqualTo(1);
        assertThat((String) res[1]).contains("no output: " + in + "-0@3").contains("--dead-letter")
                .contains(name + "-dlq");
    }

    @Test
    void shouldFindPlantedFaultsAndIgnoreAbortedOutputs(KafkaCluster kafka) throws Exception {
        String name = run("audit-faults");
        String in = name + "-in";
        String out = name + "-out";
        kafka.createTopics(1, in, out);
        try (KafkaProducer<String, String> p = producer(kafka, name + "-writer")) {
            p.beginTransaction();
            for (int i = 0; i < 20; i++) {
                p.send(new ProducerRecord<>(in, 0, "k", "in-" + i));
            }
            p.commitTransaction();
            // outputs: one per input in transaction t1, but none for offset 5
            p.beginTransaction();
            for (int i = 0; i < 20; i++) {
                if (i != 5) {
                    p.send(output(out, in, i, "app-w1-0:s:1"));
                }
            }
            p.commitTransaction();
            // offset 7 processed again in a second committed transaction
            p.beginTransaction();
            p.send(output(out, in, 7, "app-w2-0:s:1"));
            p.commitTransaction();
            // offset 9 processed again in a transaction that aborted: not counted
            p.beginTransaction();
            p.send(output(out, in, 9, "app-w2-1:s:9"));
            p.flush();
            p.abortTransaction();
            // an output that names an input that does not exist
            p.beginTransaction();
            p.send(output(out, in, 999, "app-w1-0:s:2"));
            p.commitTransaction();
        }
        OutputAudit.Report r = OutputAudit.run(kafka.bootstrapServers(), in, out, null, null);
        assertThat(r.inputs).isEqualTo(20); // the transaction marker takes an offset but is no input
        assertThat(r.outputs).isEqualTo(21);
        assertThat(r.missing).isEqualTo(1);
        assertThat(r.missingExamples).containsExactly(in + "-0@5");
        assertThat(r.multipleTransactions).isEqualTo(1);
        assertThat(r.multipleExamples.get(0)).contains("input offset 7").contains("app-w2-0:s:1");
        assertThat(r.unknownSource).isEqualTo(1);
        assertThat(r.unknownExamples.get(0)).contains("@999");
        assertThat(r.clean()).isFalse();

        Object[] res = cli("verify", "--bootstrap", kafka.bootstrapServers(), "--input", in, "--output", out);
        assertThat(res[0]).as((String) res[1]).isEqualTo(1);
        assertThat((String) res[1]).contains("audit: VIOLATED").contains("no output: " + in + "-0@5");
    }

    @Test
    void shouldFindThePipelinesOwnOutputCleanWithDeadLetters(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "audit-clean", 3)) {
            String dlq = f.app + "-dlq";
            kafka.createTopics(3, dlq);
            f.produce(3_000);
            Pipeline<String, String> p = MapExample.pipeline(f.bootstrap(), f.app, "i1", f.input, f.output,
                    Map.of("output.provenance.headers", true, "failure.action", "DEAD_LETTER",
                            "dead.letter.topic", dlq, "retry.backoff.ms", 1), 0, 100);
            p.start();
            try (CommittedCounter counter = new CommittedCounter(f.bootstrap(), List.of(f.output, dlq), v -> v)) {
                counter.awaitDistinct(3_000, Duration.ofMinutes(2)); // outputs and dead letters
            } finally {
                p.close(Duration.ofSeconds(30));
            }
            OutputAudit.Report r = OutputAudit.run(f.bootstrap(), f.input, f.output, dlq, null);
            assertThat(r.lines()).as("audit").first().asString().startsWith("audit: CLEAN");
            assertThat(r.inputs).isEqualTo(3_000);
            assertThat(r.deadLetters).isEqualTo(30);
            assertThat(r.outputs).isEqualTo(2_970);
            Object[] res = cli("verify", "--bootstrap", f.bootstrap(), "--input", f.input, "--output", f.output,
                    "--dead-letter", dlq);
            assertThat(res[0]).as((String) res[1]).isEqualTo(0);
            assertThat((String) res[1]).contains("audit: CLEAN inputs=3000 outputs=2970 deadLetters=30");
        }
    }

    @Test
    void shouldExitTwoOnBadArgumentsOrUnknownTopics(KafkaCluster kafka) throws Exception {
        Object[] unknown = cli("verify", "--bootstrap", kafka.bootstrapServers(), "--input", "no-such-topic-in",
                "--output", "no-such-topic-out");
        assertThat(unknown[0]).as((String) unknown[1]).isEqualTo(2);
        assertThat((String) unknown[1]).contains("'no-such-topic-in' does not exist");
        Object[] missing = cli("verify", "--bootstrap", kafka.bootstrapServers(), "--output", "x");
        assertThat(missing[0]).isEqualTo(2);
        assertThat((String) missing[1]).contains("Missing required option: '--input=TOPIC'");
    }

    @Test
    void shouldServeTheEosMetersInPrometheusFormat(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "metrics", 3)) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            f.produce(500);
            f.startWorker("w1", "--metrics-port", String.valueOf(port));
            f.awaitOutput(Duration.ofMinutes(2));
            HttpClient http = HttpClient.newHttpClient();
            String body = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    body = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                            .build(), HttpResponse.BodyHandlers.ofString()).body();
                    if (body.contains("eos_records_processed_total{application=\"" + f.app + "\"} 500")) {
                        break;
                    }
                } catch (IOException notYet) {
                    // the worker is still starting
                }
                Thread.sleep(200);
            }
            assertThat(body).contains("eos_records_processed_total{application=\"" + f.app + "\"} 500")
                    .contains("eos_transactions_committed_total").contains("eos_records_in_flight_records")
                    .contains("eos_commit_seconds_count").contains("kafka_consumer");
        }
    }
}
