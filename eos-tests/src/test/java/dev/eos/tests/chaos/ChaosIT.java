package dev.eos.tests.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.examples.MapExample;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.LocalPostgres;
import dev.eos.testkit.WithKafkaCluster;
import dev.eos.testkit.chaos.ChaosTest;
import dev.eos.testkit.chaos.OutputCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Generated fault schedules ({@link ChaosTest}, the kit users run on their own pipelines) against the worker-pool
 * pipeline: KEY order, 16 workers, records finishing out of order, poison records dead-lettered, outputs tagged
 * with their transaction; every other schedule also counts records per key in a state store, which
 * {@link #checkCounts} compares with its own fold of the input, and two schedules of every four run the
 * processor as an asynchronous one (the wait on a scheduler, the count and emit in the stage's callback), one of
 * them with its output topic coalesced (the latest value per key and transaction). Workers
 * killed, paused into zombies (every schedule has one whose partitions are then handed back to it, paused past its
 * session only or past its transaction timeout too), joining and leaving; brokers killed and restarted or paused
 * past their session; bursts of input; the classic and the consumer group protocol in turn.
 *
 * <p>{@code ./mvnw verify} runs {@code chaos.schedules} schedules (5); {@code -Pchaos} runs 30;
 * {@code -Dchaos.stateful=true} makes every schedule count. Every run
 * prints its seed; {@code ./mvnw verify -pl eos-tests -Dit.test=ChaosIT -Dchaos.seed=S -Dchaos.schedules=1}
 * replays the schedule of seed S.
 */
@WithKafkaCluster(nodes = 3, shared = false)
class ChaosIT {

    private static final int POISON_EVERY = 997;
    private static final Predicate<String> POISON = v -> MapExample.isPoison(v, POISON_EVERY);

    @Test
    void shouldKeepExactlyOnceUnderGeneratedFaultSchedules(KafkaCluster kafka) throws Exception {
        String seed = System.getProperty("chaos.seed", "").trim();
        ChaosTest.Report report = ChaosTest.builder(kafka)
                .mainClass("dev.eos.examples.cli.EosCli")
                .arguments(ChaosIT::workerArguments)
                .outputId(v -> v.startsWith(MapExample.PREFIX) ? v.substring(MapExample.PREFIX.length()) : v)
                .deadLetters(POISON)
                .schedules(Integer.getInteger("chaos.schedules", 5))
                .seed(seed.isEmpty() ? System.currentTimeMillis() : Long.parseLong(seed))
                .extraCheck((worker, result) -> {
                    if (counting(worker.schedule())) {
                        checkCounts(result, worker.bootstrap(), worker.input(), worker.output());
                    }
                })
                .run();
        assertThat(report.violations()).as("replay one with -Dchaos.seed=<seed> -Dchaos.schedules=1\n" + report)
                .isZero();
    }

    /**
     * The map pipeline into PostgreSQL through eos-jdbc (its results and offsets in one database transaction, owner
     * epochs fencing the zombies) under the same schedules, and PostgreSQL killed with SIGKILL and restarted halfway
     * through each: every input one row or one dead letter, each key's rows in input order, the offsets table at the
     * input's end. {@code chaos.jdbc.schedules} schedules (2; 10 with {@code -Pchaos}).
     */
    @Test
    void shouldKeepExactlyOnceIntoPostgresUnderGeneratedFaultSchedulesAndADatabaseCrash(KafkaCluster kafka)
            throws Exception {
        String seed = System.getProperty("chaos.seed", "").trim();
        try (LocalPostgres pg = LocalPostgres.start()) {
            ChaosTest.Report report = ChaosTest.builder(kafka)
                    .mainClass("dev.eos.examples.cli.EosCli")
                    .arguments(w -> {
                        List<String> args = new ArrayList<>(List.of("worker"));
                        args.addAll(w.arguments());
                        args.addAll(List.of("--jdbc-url", pg.jdbcUrl(), "--concurrency", "16", "--max-sleep-ms", "2",
                                "--poison-every", String.valueOf(POISON_EVERY)));
                        return args;
                    })
                    .outputs(new DatabaseOutputs(pg.dataSource(), POISON_EVERY))
                    .fault("PostgreSQL killed with SIGKILL and restarted", () -> {
                        pg.kill();
                        pg.restart();
                    })
                    .schedules(Integer.getInteger("chaos.jdbc.schedules", 2))
                    .seed(seed.isEmpty() ? System.currentTimeMillis() : Long.parseLong(seed))
                    .run();
            assertThat(report.violations()).as("replay one with -Dchaos.seed=<seed> -Dchaos.jdbc.schedules=1\n"
                    + report).isZero();
        }
    }

    /**
     * Every other schedule runs the counting workload (a count per key in a RocksDB store); every schedule does with
     * {@code -Dchaos.stateful=true}.
     */
    private static boolean counting(int schedule) {
        return schedule % 2 == 1 || Boolean.getBoolean("chaos.stateful");
    }

    /** Schedules 2 and 3 of every 4 run the processor as an AsyncProcessor (its wait on a scheduler). */
    private static boolean async(int schedule) {
        return schedule % 4 >= 2;
    }

    /**
     * Schedule 2 of every 4 declares the output topic coalesced (the latest value per key and transaction): the
     * checker then counts each output for the inputs of its key in the range it names.
     */
    private static boolean coalesced(int schedule) {
        return schedule % 4 == 2;
    }

    private static List<String> workerArguments(ChaosTest.Worker w) {
        List<String> args = new ArrayList<>(List.of("worker"));
        args.addAll(w.arguments());
        args.addAll(List.of("--concurrency", "16", "--max-sleep-ms", "2", "--poison-every",
                String.valueOf(POISON_EVERY), "--transaction-header", "true"));
        if (counting(w.schedule())) {
            args.add("--count-per-key");
        }
        if (async(w.schedule())) {
            args.add("--async");
        }
        if (coalesced(w.schedule())) {
            args.add("--coalesced");
        }
        return args;
    }

    /**
     * The counting workload writes each key's count in an output header: folding the input independently, the
     * committed counts of each key, in output order, must be exactly 1, 2, ..., n, where n is the number of good
     * (not poison) inputs of the key; so the last emitted value equals the fold.
     */
    static void checkCounts(OutputCheck.Report report, String bootstrap, String input, String output) {
        Map<String, Long> fold = new HashMap<>();
        for (ConsumerRecord<String, String> r : OutputCheck.read(bootstrap, input, IsolationLevel.READ_COMMITTED)) {
            if (!POISON.test(r.value())) {
                fold.merge(r.key(), 1L, Long::sum);
            }
        }
        Map<String, List<Long>> emitted = new HashMap<>();
        for (ConsumerRecord<String, String> r : OutputCheck.read(bootstrap, output, IsolationLevel.READ_COMMITTED)) {
            Header h = r.headers().lastHeader(MapExample.COUNT_HEADER);
            long count = h == null ? -1 : Long.parseLong(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
            emitted.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(count);
        }
        Set<String> keys = new HashSet<>(fold.keySet());
        keys.addAll(emitted.keySet());
        for (String key : keys) {
            long n = fold.getOrDefault(key, 0L);
            List<Long> seq = emitted.getOrDefault(key, List.of());
            boolean ok = seq.size() == n;
            for (int i = 0; ok && i < seq.size(); i++) {
                ok = seq.get(i) == i + 1;
            }
            if (!ok) {
                report.violation("state: key " + key + " folds to " + n + ", counts emitted " + (seq.size() > 12
                        ? seq.subList(0, 6) + "..." + seq.subList(seq.size() - 6, seq.size()) : seq));
            }
        }
    }
}
