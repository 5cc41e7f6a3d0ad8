package dev.eos.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.examples.Example;
import dev.eos.examples.WorkerProcess;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stateful examples in child JVMs, killed with SIGKILL again and again while input flows and restarted with the
 * same instance id (their local stores, with no checkpoint, are rebuilt from the changelog) or a new one (the
 * partitions move). The example's own check then folds the committed input independently: the counts (word-count)
 * and the balances (bank-transfers) emitted must equal the fold, each change exactly once.
 */
@WithKafkaCluster
class StateCrashIT {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"word-count", "bank-transfers"})
    void shouldKeepStateExactlyOnceWhenWorkersAreKilled(String name, KafkaCluster kafka) throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("StateCrashIT " + name + " seed=" + seed + " (replay with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        Example example = Example.all().get(name);
        String run = "statecrash-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
        kafka.createTopics(4, example.topics(run).toArray(new String[0]));
        Path dir = Files.createTempDirectory("eos-statecrash-");
        long expected = example.produce(kafka.bootstrapServers(), run, 0, 10_000);
        int produced = 10_000;
        List<WorkerProcess> workers = new ArrayList<>();
        try {
            workers.add(start(kafka, example, run, "s1", dir));
            workers.add(start(kafka, example, run, "s2", dir));
            for (int round = 0; round < 4; round++) {
                expected += example.produce(kafka.bootstrapServers(), run, produced, produced + 5_000);
                produced += 5_000;
                Thread.sleep(1_000 + random.nextInt(2_000));
                int victim = random.nextInt(workers.size());
                WorkerProcess w = workers.get(victim);
                w.kill();
                String instance = round == 2 ? w.instance() + "-new" : w.instance();
                System.out.println(name + " round " + round + ": killed " + w + ", restarting as " + instance);
                workers.set(victim, start(kafka, example, run, instance, dir));
            }
            try (CommittedCounter counter = new CommittedCounter(kafka.bootstrapServers(),
                    List.of(example.progressTopic(run)), v -> null)) {
                counter.awaitTotal(expected, Duration.ofMinutes(3));
            }
            for (WorkerProcess w : workers) {
                w.stop(30);
            }
            Example.Check check = example.check(kafka.bootstrapServers(), run);
            System.out.println(name + ": " + check.verdict() + " " + check.details());
            assertThat(check.ok()).as(check.verdict() + " " + check.details()).isTrue();
        } finally {
            for (WorkerProcess w : workers) {
                if (w.isAlive()) {
                    w.kill();
                }
            }
        }
    }

    private static WorkerProcess start(KafkaCluster kafka, Example example, String run, String instance, Path dir) {
        return WorkerProcess.start(kafka.bootstrapServers(), run, instance, "-", "-", dir, List.of("--example",
                example.name(), "--state-dir", dir.resolve("state-" + instance).toString()));
    }
}
