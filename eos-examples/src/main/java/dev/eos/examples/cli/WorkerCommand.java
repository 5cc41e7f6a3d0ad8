package dev.eos.examples.cli;

import dev.eos.Pipeline;
import dev.eos.examples.LedgerPostgres;
import dev.eos.examples.MapExample;
import dev.eos.examples.MapToPostgres;
import dev.eos.examples.MetricsEndpoint;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eos worker}: one process running the map pipeline (or an example's pipelines) until it is terminated
 * (SIGTERM closes it cleanly) or fails. Prints {@code WORKER <instance> <application.id> <state>} on each state
 * change. The demos and the crash tests start it as a child process.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Runs one process of the map pipeline (or of an example) until terminated; used by the demos "
                + "and the tests.")
final class WorkerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT")
    String bootstrap;

    @Option(names = "--app", required = true, paramLabel = "ID", description = "application id (names the run)")
    String app;

    @Option(names = "--instance", required = true, paramLabel = "ID", description = "instance id")
    String instance;

    @Option(names = "--input", paramLabel = "TOPIC", description = "input topic of the map pipeline")
    String input;

    @Option(names = "--output", paramLabel = "TOPIC", description = "output topic of the map pipeline")
    String output;

    @Option(names = "--commit-interval-ms", paramLabel = "MS", defaultValue = "100")
    long commitIntervalMs;

    @Option(names = "--group-protocol", paramLabel = "classic|consumer", defaultValue = "classic")
    String groupProtocol;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "worker threads (default 16 for the map pipeline, the example's own otherwise)")
    Integer concurrency;

    @Option(names = "--ordering", paramLabel = "KEY|PARTITION|UNORDERED", defaultValue = "KEY")
    String ordering;

    @Option(names = "--max-sleep-ms", paramLabel = "MS", defaultValue = "0",
            description = "each record sleeps 0..MS ms first, like a remote call")
    int maxSleepMs;

    @Option(names = "--poison-every", paramLabel = "N", defaultValue = "0",
            description = "records whose id is N-1 mod N fail")
    int poisonEvery;

    @Option(names = "--dead-letter-topic", paramLabel = "TOPIC", description = "failed records go to TOPIC")
    String deadLetterTopic;

    @Option(names = "--transaction-header", arity = "0..1", fallbackValue = "true",
            description = "tag outputs with the transaction that wrote them, for audits")
    boolean transactionHeader;

    @Option(names = "--provenance", arity = "0..1", fallbackValue = "true",
            description = "stamp outputs with their source record, for eos verify")
    boolean provenance;

    @Option(names = "--count-per-key", arity = "0..1", fallbackValue = "true",
            description = "also count records per key in a store; the count goes in the output header 'count'")
    boolean countPerKey;

    @Option(names = "--async", arity = "0..1", fallbackValue = "true",
            description = "run the map pipeline's processor as an AsyncProcessor (its wait on a scheduler)")
    boolean async;

    @Option(names = "--coalesced", arity = "0..1", fallbackValue = "true",
            description = "declare the output topic coalesced: per transaction, the latest value of each key only")
    boolean coalesced;

    @Option(names = "--example", paramLabel = "NAME", completionCandidates = ExampleNames.class,
            description = "run that example's pipelines instead: ${COMPLETION-CANDIDATES}")
    String example;

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "the PostgreSQL database of " + LedgerPostgres.NAME + ", or of the map pipeline, which then "
                    + "writes rows there through eos-jdbc instead of records to --output")
    String jdbcUrl;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "state.dir of stateful pipelines")
    Path stateDir;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "serve Prometheus metrics at http://localhost:PORT/metrics")
    Integer metricsPort;

    private java.util.Set<MapExample.Variant> variants() {
        java.util.Set<MapExample.Variant> v = java.util.EnumSet.noneOf(MapExample.Variant.class);
        if (countPerKey) {
            v.add(MapExample.Variant.COUNT_PER_KEY);
        }
        if (async) {
            v.add(MapExample.Variant.ASYNC);
        }
        if (coalesced) {
            v.add(MapExample.Variant.COALESCED);
        }
        return v;
    }

    @Override
    public Integer call() {
        Ranges.check(spec, "--concurrency", concurrency, 1, 10_000);
        Ranges.check(spec, "--max-sleep-ms", maxSleepMs, 0, 60_000);
        Ranges.check(spec, "--poison-every", poisonEvery, 0, Integer.MAX_VALUE);
        Ranges.check(spec, "--metrics-port", metricsPort, 0, 65_535);
        Map<String, Object> extra = new HashMap<>();
        extra.put("commit.interval.ms", commitIntervalMs);
        extra.put("consumer.group.protocol", groupProtocol);
        if (groupProtocol.equals("classic")) {
            // a stalled worker leaves the group after 6 s, so a paused process becomes a zombie quickly
            extra.put("consumer.session.timeout.ms", 6000);
            extra.put("consumer.heartbeat.interval.ms", 1000);
        }
        if (concurrency != null || example == null) {
            extra.put("concurrency", concurrency == null ? 16 : concurrency);
        }
        extra.put("ordering", ordering);
        if (transactionHeader) {
            extra.put("output.transaction.header", true);
        }
        if (provenance) {
            extra.put("output.provenance.headers", true);
        }
        if (deadLetterTopic != null) {
            extra.put("failure.action", "DEAD_LETTER");
            extra.put("dead.letter.topic", deadLetterTopic);
            extra.put("retry.backoff.ms", 10L);
        }
        if (countPerKey || example != null) {
            extra.put("state.dir", (stateDir != null ? stateDir
                    : Path.of(System.getProperty("java.io.tmpdir"), "eos-state-" + instance)).toString());
        }
        MetricsEndpoint metrics = metricsPort == null ? null : MetricsEndpoint.start(metricsPort);
        if (metrics != null) {
            System.out.println("WORKER " + instance + " metrics at http://localhost:" + metrics.port() + "/metrics");
        }
        List<Pipeline<?, ?>> pipelines;
        if (example == null) {
            if (input == null || output == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--input and --output are required without --example");
            }
            if (jdbcUrl != null) {
                extra.remove("dead.letter.topic"); // dead letters go to the database's dead-letter table
                try {
                    pipelines = List.of(MapToPostgres.pipeline(bootstrap, app, instance, input,
                            LedgerPostgres.dataSource(jdbcUrl), extra, maxSleepMs, poisonEvery));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException("Cannot create the output table at " + jdbcUrl + ": " + e, e);
                }
            } else {
                pipelines = List.of(MapExample.pipeline(bootstrap, app, instance, input, output, extra, maxSleepMs,
                        poisonEvery, metrics == null ? null : metrics.registry(), variants()));
            }
        } else if (example.equals(LedgerPostgres.NAME)) {
            if (jdbcUrl == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--jdbc-url is required with --example " + LedgerPostgres.NAME);
            }
            pipelines = List.of(new LedgerPostgres(app, LedgerPostgres.dataSource(jdbcUrl)).pipeline(bootstrap,
                    instance, extra));
        } else {
            pipelines = ExampleNames.resolve(spec, example).pipelines(bootstrap, app, instance, extra);
        }
        try {
            return PipelineProcess.runUntilStopped("WORKER " + instance, pipelines);
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
    }
}
