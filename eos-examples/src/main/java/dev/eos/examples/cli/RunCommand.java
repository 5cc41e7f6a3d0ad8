package dev.eos.examples.cli;

import dev.eos.examples.Example;
import dev.eos.testkit.KafkaCluster;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code eos run NAME}: one example's pipelines in this process against any cluster, until stopped (Ctrl-C closes
 * them cleanly). Its topics are created if missing and {@code --records} input records written first.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs one example until stopped (Ctrl-C), against --bootstrap or a local 1-node cluster.",
            "Its topics (named after --name) are created if missing, and --records input records written first.",
            "Examples:",
            "  word-count      counts per word in a RocksDB store, emitted on change",
            "  bank-transfers  balances in a store; transfers move money in two keyed steps",
            "  enrich          orders joined with profiles from a slow, failing HTTP service",
            "  backlog         1 to 5 s per record; the worker pool drains what one thread cannot"})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", completionCandidates = ExampleNames.class,
            description = "the example: ${COMPLETION-CANDIDATES}")
    String name;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "the cluster (default: a local one)")
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

    @Option(names = "--state-dir", paramLabel = "DIR", description = "state.dir (default: a directory under tmp)")
    Path stateDir;

    @Override
    public Integer call() {
        Ranges.check(spec, "--records", records, 0, 100_000_000);
        Ranges.check(spec, "--partitions", partitions, 1, 1000);
        Example example = ExampleNames.resolve(spec, name);
        String runName = run.equals("eos-run") ? run + "-" + example.name() : run;
        try (DemoRun cluster = new DemoRun(bootstrap)) {
            cluster.say("Kafka at " + cluster.bootstrap + "; example " + example.name() + ": "
                    + example.description());
            KafkaCluster.createTopics(cluster.bootstrap, partitions, example.topics(runName).toArray(new String[0]));
            if (records > 0) {
                long expected = example.produce(cluster.bootstrap, runName, 0, records);
                cluster.say("wrote " + records + " input records; " + expected + " records will reach "
                        + example.progressTopic(runName));
            }
            Path dir = stateDir != null ? stateDir
                    : Path.of(System.getProperty("java.io.tmpdir"), "eos-run-state-" + instance);
            cluster.say("running as instance " + instance + " with state in " + dir + "; Ctrl-C stops it");
            return PipelineProcess.runUntilStopped("RUN " + instance, example.pipelines(cluster.bootstrap, runName,
                    instance, Map.of("state.dir", dir.toString())));
        }
    }
}
