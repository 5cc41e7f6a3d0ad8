package dev.eos.examples.cli;

import dev.eos.Pipeline;
import dev.eos.examples.Example;
import dev.eos.examples.LedgerPostgres;
import dev.eos.testkit.KafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code eos run NAME}: one example's pipelines in this process against any cluster, until stopped (Ctrl-C closes
 * them cleanly and prints a summary). Its topics are created if missing and {@code --records} input records
 * written first; a progress line every 5 s says what was committed; outputs carry provenance headers, and the
 * {@code eos verify} commands that audit them are printed at the start and at the end.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs one example until stopped (Ctrl-C), against --bootstrap, the cluster ./eos kafka start",
            "runs, or else a throwaway local 1-node cluster (deleted at the end).",
            "Its topics (named after --name) are created if missing, and --records input records written first.",
            "Examples:",
            "  word-count      counts per word in a RocksDB store, emitted on change",
            "  bank-transfers  balances in a store; transfers move money in two keyed steps",
            "  enrich          orders joined with profiles from a slow, failing HTTP service",
            "  backlog         1 to 5 s per record; the worker pool drains what one thread cannot",
            "  ledger-postgres transfers applied to PostgreSQL exactly once (eos-jdbc): a local server from Maven",
            "                  Central's binaries, deleted at the end, or --jdbc-url",
            "  spring-word-count  word count as a Spring Boot application with the starter, in a JVM of its own",
            "                  (its jar is built through ./mvnw on first use; --port for its actuator endpoints)"})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", completionCandidates = ExampleNames.class,
            description = "the example: ${COMPLETION-CANDIDATES}, " + SpringSampleRun.NAME)
    String name;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "the cluster (default: the one ./eos kafka start runs, else a throwaway local one)")
    String bootstrap;

    @Option(names = "--name", paramLabel = "RUN", defaultValue = "eos-run",
            description = "names the topics and the application id (default: ${DEFAULT-VALUE}-<example>)")
    String run;

    @Option(names = "--records", paramLabel = "N", defaultValue = "10000", description = "input records to write")
    int records;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "6", description = "partitions of new topics")
    int partitions;

    @Option(names = "--instance", paramLabel = "ID", defaultValue = "run-1", description = "instance id")
    String instance;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "state.dir (default: a directory under tmp, deleted at the end)")
    Path stateDir;

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "the PostgreSQL database of ledger-postgres (default: a local server, deleted at the end)")
    String jdbcUrl;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "HTTP port of " + SpringSampleRun.NAME + "'s actuator endpoints (default: ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        Ranges.check(spec, "--records", records, 0, 100_000_000);
        Ranges.check(spec, "--partitions", partitions, 1, 1000);
        if (name.equals(SpringSampleRun.NAME)) {
            return runSpringSample();
        }
        if (name.equals(LedgerPostgres.NAME)) {
            DemoRun cluster = new DemoRun(bootstrap, true);
            try {
                return LedgerRun.run(cluster, runName(name), instance, records, partitions, jdbcUrl);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                cluster.say("eos run " + name + " failed: " + e);
                return 1;
            } finally {
                cluster.close();
            }
        }
        Example example = ExampleNames.resolve(spec, name);
        String runName = runName(example.name());
        DemoRun cluster = new DemoRun(bootstrap, true);
        Path dir = stateDir(runName);
        try {
            cluster.say("Kafka at " + cluster.bootstrap + "; example " + example.name() + ": "
                    + example.description());
            KafkaCluster.createTopics(cluster.bootstrap, partitions, example.topics(runName).toArray(new String[0]));
            cluster.say("topics: " + String.join(", ", example.topics(runName)));
            long expected = -1;
            if (records > 0) {
                expected = example.produce(cluster.bootstrap, runName, 0, records);
                cluster.say("wrote " + records + " input records; " + expected + " records will reach "
                        + example.progressTopic(runName));
            }
            List<Pipeline<?, ?>> pipelines = example.pipelines(cluster.bootstrap, runName, instance,
                    Map.of("state.dir", dir.toString(), "output.provenance.headers", true));
            RunProgress progress = new RunProgress(cluster.bootstrap, example.progressTopic(runName),
                    example.audits(runName).get(0).deadLetter(), expected, pipelines);
            RunLoop loop = new RunLoop(cluster, progress, example.audits(runName));
            loop.sayAudits();
            cluster.say("running as instance " + instance + " with state in " + dir + "; Ctrl-C stops it");
            return runUntilStopped(cluster, loop, progress, pipelines, dir);
        } finally {
            cleanUp(cluster, dir);
        }
    }

    /** The name of the run's topics and application ids: --name, or eos-run-EXAMPLE by default. */
    private String runName(String example) {
        return run.equals("eos-run") ? run + "-" + example : run;
    }

    /** --state-dir, or a directory under tmp (deleted at the end). */
    private Path stateDir(String runName) {
        return stateDir != null ? stateDir
                : Path.of(System.getProperty("java.io.tmpdir"), "eos-run-state-" + runName + "-" + instance);
    }

    private int runSpringSample() throws InterruptedException {
        Ranges.check(spec, "--port", port, 1, 65535);
        String runName = runName(SpringSampleRun.NAME);
        DemoRun cluster = new DemoRun(bootstrap, true);
        Path dir = stateDir(runName);
        try {
            cluster.say("Kafka at " + cluster.bootstrap + "; " + SpringSampleRun.NAME + ": "
                    + SpringSampleRun.DESCRIPTION);
            return new SpringSampleRun(cluster, runName, instance, dir, port)
                    .run(records, partitions, () -> cleanUp(cluster, dir));
        } finally {
            cleanUp(cluster, dir);
        }
    }

    /**
     * Runs the pipelines until Ctrl-C (the hook closes them, prints the summary and cleans up) or until one fails;
     * returns the exit code.
     */
    private int runUntilStopped(DemoRun cluster, RunLoop loop, RunProgress progress, List<Pipeline<?, ?>> pipelines,
            Path dir) throws InterruptedException {
        if (loop.runUntilStopped(() -> pipelines.forEach(Pipeline::start),
                () -> pipelines.stream().noneMatch(p -> p.state().isTerminal()),
                "stopping: committing what was processed...",
                () -> pipelines.forEach(p -> p.close(Duration.ofSeconds(20))), () -> cleanUp(cluster, dir))) {
            return 0;
        }
        // a pipeline ended without Ctrl-C: it failed
        pipelines.forEach(p -> p.close(Duration.ofSeconds(20)));
        for (Pipeline<?, ?> p : pipelines) {
            if (p.state() == Pipeline.State.FAILED) {
                cluster.say(p.applicationId() + " FAILED: " + p.failure());
            }
        }
        progress.read(1_000);
        cluster.say(progress.line());
        progress.close();
        return pipelines.stream().anyMatch(p -> p.state() == Pipeline.State.FAILED) ? 1 : 0;
    }

    /** Stops a cluster this run started (deleting its data) and deletes the state directory if this run chose it. */
    private void cleanUp(DemoRun cluster, Path dir) {
        cluster.close();
        if (stateDir == null && Files.isDirectory(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                System.err.println("eos run: could not delete " + dir + ": " + e);
            }
        }
    }
}
