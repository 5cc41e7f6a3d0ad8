package dev.eos.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.examples.InputGenerator;
import dev.eos.examples.MapExample;
import dev.eos.examples.Verifier;
import dev.eos.examples.WorkerProcess;
import dev.eos.testkit.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One test's topics, input and worker processes on a shared cluster; verifies with the independent checker. */
final class Fixture implements AutoCloseable {

    final KafkaCluster kafka;
    final String input;
    final String output;
    final String app;
    final Path logDir;
    final List<WorkerProcess> workers = new ArrayList<>();
    long produced;

    Fixture(KafkaCluster kafka, String name, int partitions) throws Exception {
        this.kafka = kafka;
        String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.input = run + "-in";
        this.output = run + "-out";
        this.app = run;
        kafka.createTopics(partitions, input, output);
        this.logDir = Files.createTempDirectory("eos-it-" + name + "-");
    }

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    /** Appends {@code n} more input records (ids continue from the previous call). */
    void produce(int n) {
        InputGenerator.produce(bootstrap(), input, produced, produced + n, 200, null);
        produced += n;
    }

    WorkerProcess startWorker(String instance, String... options) {
        WorkerProcess w = WorkerProcess.start(bootstrap(), app, instance, input, output, logDir, List.of(options));
        workers.add(w);
        return w;
    }

    /** Waits until every input record has a committed output (or the timeout passes). */
    void awaitOutput(Duration timeout) {
        try (CommittedCounter counter = new CommittedCounter(bootstrap(), List.of(output), v -> v)) {
            counter.awaitDistinct(produced, timeout);
        }
    }

    /** Stops every worker, then checks exactly once and per-key order; fails with the checker's report. */
    Verifier.Report verifyExactlyOnceInOrder() {
        for (WorkerProcess w : workers) {
            w.stop(30);
        }
        Verifier.Report report = Verifier.verify(bootstrap(), input, output,
                v -> v != null && v.startsWith(MapExample.PREFIX) ? v.substring(MapExample.PREFIX.length()) : null);
        System.out.println(app + ": " + report);
        assertThat(report.input).as("input records").isEqualTo(produced);
        assertThat(report.duplicates).as("duplicates: " + report).isZero();
        assertThat(report.lost).as("lost: " + report).isZero();
        assertThat(report.unknown).as("unknown outputs: " + report).isZero();
        assertThat(report.keysOutOfOrder).as("keys out of order: " + report).isZero();
        assertThat(report.output).isEqualTo(produced);
        return report;
    }

    String logs() {
        StringBuilder sb = new StringBuilder();
        for (WorkerProcess w : workers) {
            sb.append("--- ").append(w).append(" ---\n").append(w.log()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (WorkerProcess w : workers) {
            if (w.isAlive()) {
                w.kill();
            }
        }
    }
}
