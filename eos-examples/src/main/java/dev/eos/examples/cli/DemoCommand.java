package dev.eos.examples.cli;

import dev.eos.examples.Backlog;
import dev.eos.examples.LedgerPostgres;
import dev.eos.examples.InputGenerator;
import dev.eos.examples.MapExample;
import dev.eos.examples.Verifier;
import dev.eos.examples.WorkerProcess;
import dev.eos.examples.audit.OutputAudit;
import dev.eos.testkit.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eos demo}: the example pipeline in worker processes, one of them killed with SIGKILL part way and
 * replaced, then the committed output checked against the input. With {@code --example NAME}, a stateful example
 * the same way ({@link ExampleDemo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs an example pipeline in worker processes, kills one with SIGKILL part way, starts a "
                + "replacement, then checks the committed output against the input.",
            "Starts a local 1-node Kafka cluster unless --bootstrap is given.",
            "Last line: exactly-once: OK|VIOLATED input=N output=M duplicates=D lost=L (exit code 0 or 1)."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--example", paramLabel = "NAME",
            description = "a stateful example instead of the map pipeline: ${COMPLETION-CANDIDATES}",
            completionCandidates = ExampleNames.class)
    String example;

    @Option(names = "--records", paramLabel = "N",
            description = "input records (default 100000 for the map pipeline, 50000 for an example, 20000 for "
                    + "ledger-postgres, 2000 for backlog, written at 40 a second)")
    Integer records;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "6", description = "partitions per topic")
    int partitions;

    @Option(names = "--workers", paramLabel = "W", defaultValue = "3", description = "worker processes (2 to 32)")
    int workers;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "an existing cluster to use")
    String bootstrap;

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "the PostgreSQL database of ledger-postgres (default: a local server, started and deleted)")
    String jdbcUrl;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "workers serve Prometheus metrics on PORT, PORT+1, ... (map pipeline)")
    Integer metricsPort;

    @Override
    public Integer call() {
        Ranges.check(spec, "--records", records, 1, 100_000_000);
        Ranges.check(spec, "--partitions", partitions, 1, 1000);
        Ranges.check(spec, "--workers", workers, 2, 32);
        Ranges.check(spec, "--metrics-port", metricsPort, 1, 65_000);
        if (Backlog.NAME.equals(example)) {
            return BacklogDemo.run(records == null ? 2_000 : records, 40, partitions, bootstrap);
        }
        if (LedgerPostgres.NAME.equals(example)) {
            return LedgerDemo.run(records == null ? 20_000 : records, partitions, workers, bootstrap, jdbcUrl);
        }
        if (example != null) {
            return ExampleDemo.run(ExampleNames.resolve(spec, example), records == null ? 50_000 : records,
                    partitions, workers, bootstrap);
        }
        return run(records == null ? 100_000 : records, partitions, workers, metricsPort == null ? -1 : metricsPort,
                bootstrap);
    }

    /** The options of worker {@code i} (1-based): provenance for the audit, metrics on a port of their own. */
    private static List<String> workerOptions(int metricsPort, int i) {
        return metricsPort < 0 ? List.of("--provenance")
                : List.of("--provenance", "--metrics-port", String.valueOf(metricsPort + i - 1));
    }

    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private static int run(int records, int partitions, int workerCount, int metricsPort, String given) {
        try (DemoRun d = new DemoRun(given)) {
            List<WorkerProcess> workers = d.workers;
            String bootstrap = d.bootstrap;
            d.say("Kafka at " + bootstrap);
            String run = Long.toString(System.currentTimeMillis(), 36);
            String input = "eos-demo-input-" + run;
            String output = "eos-demo-output-" + run;
            String app = "eos-demo-" + run;
            KafkaCluster.createTopics(bootstrap, partitions, input, output);
            d.say("topics " + input + " and " + output + " (" + partitions + " partitions)");

            d.say("writing " + records + " input records...");
            InputGenerator.produce(bootstrap, input, 0, records, 1000, n -> {
                if (n % 50_000 == 0 && n < records) {
                    d.say("  written " + n);
                }
            });
            d.say("input written: " + records + " records");

            Path logDir = Files.createTempDirectory("eos-demo-");
            for (int i = 1; i <= workerCount; i++) {
                workers.add(WorkerProcess.start(bootstrap, app, "w" + i, input, output, logDir,
                        workerOptions(metricsPort, i)));
                if (metricsPort >= 0) {
                    d.say("metrics of w" + i + " at http://localhost:" + (metricsPort + i - 1) + "/metrics");
                }
            }
            d.say("started " + workerCount + " worker processes " + pids(workers) + ", logs in " + logDir);

            boolean killed = false;
            Set<Long> exited = new java.util.HashSet<>();
            BitSet seen = new BitSet(records);
            long outputRecords = 0;
            long lastReport = System.nanoTime();
            long lastCount = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            try (KafkaConsumer<String, String> monitor = d.monitor(output, new StringDeserializer(),
                    new StringDeserializer())) {
                while (seen.cardinality() < records) {
                    if (System.nanoTime() > deadline) {
                        d.say("timed out after " + TIMEOUT.toMinutes() + " min waiting for the output");
                        break;
                    }
                    for (ConsumerRecord<String, String> r : monitor.poll(Duration.ofMillis(200))) {
                        outputRecords++;
                        String v = r.value();
                        if (v != null && v.startsWith(MapExample.PREFIX)) {
                            try {
                                int id = Integer.parseInt(v.substring(MapExample.PREFIX.length()));
                                if (id >= 0 && id < records) {
                                    seen.set(id);
                                }
                            } catch (NumberFormatException ignored) {
                                // counted as output; the verifier reports it
                            }
                        }
                    }
                    if (!killed && seen.cardinality() >= records / 3) {
                        WorkerProcess victim = workers.get(1);
                        victim.kill();
                        d.say("killed " + victim + " with SIGKILL at " + seen.cardinality() + " records out");
                        WorkerProcess replacement = WorkerProcess.start(bootstrap, app, victim.instance(), input,
                                output, logDir, workerOptions(metricsPort, 2));
                        workers.set(1, replacement);
                        d.say("started replacement " + replacement);
                        killed = true;
                    }
                    for (WorkerProcess w : workers) {
                        if (!w.isAlive() && exited.add(w.pid())) {
                            d.say("warning: " + w + " exited; see " + w.logFile());
                        }
                    }
                    long now = System.nanoTime();
                    if (now - lastReport >= 2_000_000_000L) {
                        double rate = (outputRecords - lastCount) / ((now - lastReport) / 1e9);
                        d.say(String.format("records in=%d out=%d (%.0f/s)", records, outputRecords, rate));
                        lastReport = now;
                        lastCount = outputRecords;
                    }
                }
            }
            d.say("all input processed; stopping the workers");
            for (WorkerProcess w : workers) {
                w.stop(30);
            }
            workers.clear();
            d.say("verifying the committed output against the input (read_committed)...");
            Verifier.Report report = Verifier.verify(bootstrap, input, output, DemoCommand::inputOf);
            d.say("keys out of order: " + report.keysOutOfOrder + ", unknown outputs: " + report.unknown);
            for (String example : report.examples) {
                d.say("  " + example);
            }
            d.say("auditing the output's provenance headers (eos verify)...");
            OutputAudit.Report audit = OutputAudit.run(bootstrap, input, output, null, null);
            for (String line : audit.lines()) {
                d.say(line);
            }
            boolean ok = report.exactlyOnce() && audit.clean();
            System.out.println(ok ? report.verdict() : report.verdict().replace(": OK ", ": VIOLATED "));
            return ok ? 0 : 1;
        } catch (Exception e) {
            return DemoRun.crashed(e, records);
        }
    }

    static String inputOf(String outputValue) {
        return outputValue != null && outputValue.startsWith(MapExample.PREFIX)
                ? outputValue.substring(MapExample.PREFIX.length()) : null;
    }

    private static String pids(List<WorkerProcess> workers) {
        return workers.stream().map(w -> String.valueOf(w.pid())).collect(Collectors.joining(", ", "[pids ", "]"));
    }
}
