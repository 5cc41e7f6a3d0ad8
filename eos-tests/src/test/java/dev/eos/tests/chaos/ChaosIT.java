package dev.eos.tests.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.examples.InputGenerator;
import dev.eos.examples.MapExample;
import dev.eos.examples.WorkerProcess;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.KafkaNode;
import dev.eos.testkit.WithKafkaCluster;
import dev.eos.tests.CommittedCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Generated fault schedules against the worker-pool pipeline (KEY order, 16 workers, records finishing out
 * of order, poison records dead-lettered; every other schedule also counts records per key in a state store) in
 * worker processes on a 3-broker cluster: workers killed, paused
 * into zombies, joining and leaving, brokers killed and restarted, bursts of input. The {@link Checker} then
 * reads everything back.
 *
 * <p>{@code ./mvnw verify} runs {@code chaos.schedules} schedules (5); {@code -Pchaos} runs 30. Every run
 * prints its seed; {@code ./mvnw verify -pl eos-tests -Dit.test=ChaosIT -Dchaos.seed=S -Dchaos.schedules=1}
 * replays the schedule of seed S.
 */
@WithKafkaCluster(nodes = 3, shared = false)
class ChaosIT {

    private static final int POISON_EVERY = 997;

    @Test
    void shouldKeepExactlyOnceUnderGeneratedFaultSchedules(KafkaCluster kafka) throws Exception {
        int schedules = Integer.getInteger("chaos.schedules", 5);
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        long firstSeed = seedProperty.isEmpty() ? System.currentTimeMillis() : Long.parseLong(seedProperty);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < schedules; i++) {
            Schedule s = Schedule.generate(firstSeed + i);
            System.out.println("chaos schedule " + (i + 1) + "/" + schedules + ": " + s);
            Checker.Report report = run(kafka, s, i);
            System.out.println("chaos schedule " + (i + 1) + " seed=" + s.seed + ": " + report);
            if (report.violations() > 0) {
                failures.add(s + "\n  " + report);
            }
        }
        System.out.println("chaos: schedules=" + schedules + " violations=" + failures.size() + " seed=" + firstSeed);
        assertThat(failures).as("replay one with -Dchaos.seed=<seed> -Dchaos.schedules=1").isEmpty();
    }

    private static Checker.Report run(KafkaCluster kafka, Schedule s, int index) throws Exception {
        String run = "chaos" + index + "-" + UUID.randomUUID().toString().substring(0, 6);
        String input = run + "-in";
        String output = run + "-out";
        String dlq = run + "-dlq";
        kafka.createTopics(6, input, output);
        kafka.createTopics(1, dlq);
        Path logs = Files.createTempDirectory("eos-chaos-");
        String bootstrap = kafka.bootstrapServers();
        boolean counting = index % 2 == 1; // every other schedule runs the stateful workload
        List<String> options = new ArrayList<>(List.of("--concurrency", "16", "--max-sleep-ms", "2",
                "--poison-every", String.valueOf(POISON_EVERY), "--dead-letter-topic", dlq, "--transaction-header", "true"));
        if (counting) {
            options.add("--count-per-key");
            System.out.println("chaos schedule " + (index + 1) + ": stateful workload (count per key in a store)");
        }
        List<WorkerProcess> workers = new ArrayList<>();
        long produced = 0;
        int nextWorker = 1;
        try {
            InputGenerator.produce(bootstrap, input, produced, produced + s.initialRecords, 300, null);
            produced += s.initialRecords;
            for (int i = 0; i < 2; i++) {
                workers.add(WorkerProcess.start(bootstrap, run, "c" + nextWorker++, input, output, logs, options));
            }
            for (Schedule.Event e : s.events) {
                Thread.sleep(e.delayMs);
                int idx = Math.floorMod(e.target, workers.size());
                switch (e.kind) {
                    case KILL_WORKER: {
                        WorkerProcess victim = workers.get(idx);
                        victim.kill();
                        workers.set(idx, WorkerProcess.start(bootstrap, run, victim.instance(), input, output, logs,
                                options));
                        break;
                    }
                    case PAUSE_WORKER: {
                        WorkerProcess zombie = workers.get(idx);
                        zombie.pause();
                        InputGenerator.produce(bootstrap, input, produced, produced + 1_000, 300, null);
                        produced += 1_000;
                        Thread.sleep(e.arg);
                        zombie.resume();
                        break;
                    }
                    case KILL_BROKER: {
                        KafkaNode node = kafka.node(e.target);
                        node.kill();
                        InputGenerator.produce(bootstrap, input, produced, produced + 1_000, 300, null);
                        produced += 1_000;
                        Thread.sleep(e.arg);
                        node.restart();
                        break;
                    }
                    case JOIN:
                        if (workers.size() < 5) {
                            workers.add(WorkerProcess.start(bootstrap, run, "c" + nextWorker++, input, output, logs,
                                    options));
                        }
                        break;
                    case LEAVE:
                        if (workers.size() > 1) {
                            workers.remove(idx).stop(30);
                        }
                        break;
                    case BURST:
                        InputGenerator.produce(bootstrap, input, produced, produced + e.arg, 300, null);
                        produced += e.arg;
                        break;
                    default:
                        throw new IllegalStateException(e.kind.toString());
                }
                InputGenerator.produce(bootstrap, input, produced, produced + 500, 300, null);
                produced += 500;
            }
            awaitAllAccountedFor(bootstrap, output, dlq, produced);
            for (WorkerProcess w : workers) {
                w.stop(30);
            }
            Checker.Report report = Checker.check(bootstrap, input, output, dlq, MapExample.PREFIX,
                    v -> MapExample.isPoison(v, POISON_EVERY));
            if (counting) {
                Checker.checkCounts(report, bootstrap, input, output, MapExample.COUNT_HEADER,
                        v -> MapExample.isPoison(v, POISON_EVERY));
            }
            return report;
        } finally {
            for (WorkerProcess w : workers) {
                if (w.isAlive()) {
                    w.kill();
                }
            }
        }
    }

    /** Waits until every input has a committed output or dead letter, as read_committed readers see them. */
    private static void awaitAllAccountedFor(String bootstrap, String output, String dlq, long produced) {
        try (CommittedCounter counter = new CommittedCounter(bootstrap, List.of(output, dlq),
                v -> v != null && v.startsWith(MapExample.PREFIX) ? v.substring(MapExample.PREFIX.length()) : v)) {
            counter.awaitDistinct(produced, java.time.Duration.ofMinutes(3));
        }
    }
}
