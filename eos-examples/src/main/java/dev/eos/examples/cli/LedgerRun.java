package dev.eos.examples.cli;

import dev.eos.Pipeline;
import dev.eos.examples.Example;
import dev.eos.examples.LedgerPostgres;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.LocalPostgres;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code eos run ledger-postgres}: the ledger pipeline in this process, into a local PostgreSQL server (started
 * here, deleted at the end) or the database {@code --jdbc-url} names, until Ctrl-C; a progress line every 5 s from
 * the database, and at the end the check of the database against the committed input (which needs a cluster and a
 * database that outlive this process: a throwaway one stops with it).
 */
final class LedgerRun implements RunLoop.Progress {

    private final DemoRun cluster;
    private final LedgerPostgres ledger;
    private final Pipeline<String, String> pipeline;
    private final long expected;
    /** Whether the cluster and the database outlive this process, so the check can run at Ctrl-C. */
    private final boolean checkable;
    private String last = "nothing applied yet";

    private LedgerRun(DemoRun cluster, LedgerPostgres ledger, Pipeline<String, String> pipeline, long expected,
            boolean checkable) {
        this.cluster = cluster;
        this.ledger = ledger;
        this.pipeline = pipeline;
        this.expected = expected;
        this.checkable = checkable;
    }

    /** Runs until Ctrl-C or until the pipeline fails; returns the exit code. */
    static int run(DemoRun cluster, String runName, String instance, int records, int partitions, String jdbcUrl)
            throws Exception {
        LocalPostgres pg = null;
        if (jdbcUrl == null) {
            cluster.say("starting a local PostgreSQL server (binaries from Maven Central; deleted at the end)...");
            pg = LocalPostgres.start();
            jdbcUrl = pg.jdbcUrl();
        }
        LocalPostgres server = pg;
        try {
            cluster.say("Kafka at " + cluster.bootstrap + ", PostgreSQL at " + jdbcUrl + "; " + LedgerPostgres.NAME
                    + ": " + LedgerPostgres.DESCRIPTION);
            LedgerPostgres ledger = new LedgerPostgres(runName, LedgerPostgres.dataSource(jdbcUrl));
            ledger.createTables();
            KafkaCluster.createTopics(cluster.bootstrap, partitions, ledger.topic());
            int from = (int) written(cluster.bootstrap, ledger.topic());
            ledger.produce(cluster.bootstrap, from, from + records);
            cluster.say("topic " + ledger.topic() + ": wrote transfers " + from + " to " + (from + records - 1)
                    + "; tables " + runName.replaceAll("[^A-Za-z0-9_]", "_") + "_{balances,applied_ops,offsets,"
                    + "dead_letters}");
            Pipeline<String, String> pipeline = ledger.pipeline(cluster.bootstrap, instance, Map.of());
            LedgerRun progress = new LedgerRun(cluster, ledger, pipeline, from + records,
                    !cluster.ownsCluster() && server == null);
            RunLoop loop = new RunLoop(cluster, progress, List.of());
            cluster.say("running as instance " + instance + "; Ctrl-C stops it");
            if (loop.runUntilStopped(pipeline::start, () -> !pipeline.state().isTerminal(),
                    "stopping: committing what was processed...", progress::stopAndCheck, () -> {
                        cluster.close();
                        if (server != null) {
                            server.close();
                        }
                    })) {
                return 0;
            }
            pipeline.close(Duration.ofSeconds(20));
            cluster.say(pipeline.applicationId() + " " + pipeline.state() + ": " + pipeline.failure());
            return 1;
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Closes the pipeline and checks the database against the committed input. */
    private void stopAndCheck() {
        pipeline.close(Duration.ofSeconds(20));
        if (!checkable) {
            cluster.say("not checked: this run's Kafka cluster or PostgreSQL stops with it; to check at the end, run "
                    + "against the cluster ./eos kafka start runs and a database of your own (--jdbc-url)");
            return;
        }
        try {
            Example.Check check = ledger.check(cluster.bootstrap);
            check.details().forEach(line -> cluster.say("  " + line));
            cluster.say(check.verdict());
        } catch (SQLException | RuntimeException e) {
            // a throwaway cluster and database stop with this process (their own shutdown hooks)
            cluster.say("could not check the database against the input (" + e.getMessage() + "); to check at the "
                    + "end, run against the cluster ./eos kafka start runs and a database of your own (--jdbc-url)");
        }
    }

    private static long written(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return c.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Override
    public void read(long ms) {
        try {
            Thread.sleep(ms);
            last = ledger.progress() + " of " + expected + " transfers applied or dead-lettered";
        } catch (SQLException e) {
            last = "the database does not answer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String line() {
        return last + "; lag " + pipeline.health().lag() + "; " + pipeline.applicationId() + " " + pipeline.state();
    }

    @Override
    public void close() {
    }
}
