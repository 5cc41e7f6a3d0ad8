package dev.eos.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.examples.WorkerProcess;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pipeline in child JVMs, killed with SIGKILL at random points while records flow, restarted, several
 * times; stalled past its session timeout and resumed as a zombie; instances joining and leaving. After each,
 * the independent verifier must find every input exactly once in the committed output, in order per key.
 */
@WithKafkaCluster
class CrashIT {

    private static long seed() {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("CrashIT seed=" + seed + " (replay with -Dcrash.seed=" + seed + ")");
        return seed;
    }

    @Test
    void shouldStayExactlyOnceWhenWorkersAreKilledMidStream(KafkaCluster kafka) throws Exception {
        Random random = new Random(seed());
        try (Fixture f = new Fixture(kafka, "kill9", 6)) {
            f.produce(5_000);
            f.startWorker("w1");
            f.startWorker("w2");
            for (int round = 0; round < 5; round++) {
                f.produce(5_000);
                Thread.sleep(300 + random.nextInt(1500));
                int victimIndex = random.nextInt(f.workers.size());
                WorkerProcess victim = f.workers.get(victimIndex);
                victim.kill();
                // the same instance id aborts the victim's open transaction at once; a new id (every third
                // round) leaves it to the broker's transaction timeout
                String instance = round % 3 == 2 ? victim.instance() + "-r" + round : victim.instance();
                System.out.println("round " + round + ": killed " + victim + ", restarting as " + instance);
                f.workers.set(victimIndex, WorkerProcess.start(f.bootstrap(), f.app, instance, f.input, f.output,
                        f.logDir, java.util.List.of()));
            }
            f.produce(2_000);
            f.awaitOutput(Duration.ofMinutes(3));
            f.verifyExactlyOnceInOrder();
        }
    }

    @Test
    void shouldStayExactlyOnceWhenKilledWithManyRecordsInFlightOutOfOrder(KafkaCluster kafka) throws Exception {
        Random random = new Random(seed());
        String[] pool = {"--concurrency", "64", "--max-sleep-ms", "4"};
        try (Fixture f = new Fixture(kafka, "kill9pool", 6)) {
            f.produce(20_000);
            f.startWorker("p1", pool);
            f.startWorker("p2", pool);
            for (int round = 0; round < 4; round++) {
                Thread.sleep(1_000 + random.nextInt(1_500));
                int victimIndex = random.nextInt(f.workers.size());
                WorkerProcess victim = f.workers.get(victimIndex);
                victim.kill();
                System.out.println("pool round " + round + ": killed " + victim);
                f.workers.set(victimIndex, WorkerProcess.start(f.bootstrap(), f.app, victim.instance(), f.input,
                        f.output, f.logDir, java.util.List.of(pool)));
                f.produce(2_000);
            }
            f.awaitOutput(Duration.ofMinutes(3));
            f.verifyExactlyOnceInOrder();
        }
    }

    @Test
    void shouldFenceAZombieThatWasPausedPastItsSessionTimeout(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "zombie", 6)) {
            // long transactions, so the zombie is paused with one open
            WorkerProcess zombie = f.startWorker("z1", "--commit-interval-ms", "3000");
            WorkerProcess other = f.startWorker("z2", "--commit-interval-ms", "3000");
            f.produce(5_000);
            // both workers must be running with their share of the partitions before the pause, however slowly
            // the machine starts them
            long ready = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!(zombie.log().contains("partitions assigned") && other.log().contains("RUNNING"))
                    && System.nanoTime() < ready) {
                Thread.sleep(200);
            }
            Thread.sleep(4_000);
            Thread producer = new Thread(() -> {
                for (int i = 0; i < 10; i++) {
                    f.produce(500);
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            producer.start();
            Thread.sleep(500);
            zombie.pause();
            Thread.sleep(14_000); // past session.timeout.ms (6 s) and transaction.timeout.ms (10 s)
            producer.join();
            zombie.resume();
            f.produce(3_000);
            f.awaitOutput(Duration.ofMinutes(3));
            Thread.sleep(2_000);
            String zombieLog = zombie.log();
            f.verifyExactlyOnceInOrder();
            assertThat(zombieLog).as("the zombie noticed it was fenced or lost its partitions:\n" + zombieLog)
                    .containsAnyOf("transaction aborted", "producer fenced", "partitions lost");
        }
    }

    @Test
    void shouldStayExactlyOnceWhileInstancesJoinAndLeave(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "joinleave", 6)) {
            f.startWorker("j1");
            Thread producer = new Thread(() -> {
                for (int i = 0; i < 40; i++) {
                    f.produce(500);
                    try {
                        Thread.sleep(150);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            producer.start();
            Thread.sleep(1_000);
            f.startWorker("j2");
            Thread.sleep(1_500);
            f.startWorker("j3");
            Thread.sleep(1_500);
            assertThat(f.workers.get(0).stop(30)).as("j1 left cleanly").isTrue();
            f.startWorker("j4");
            Thread.sleep(1_500);
            assertThat(f.workers.get(1).stop(30)).as("j2 left cleanly").isTrue();
            producer.join();
            f.awaitOutput(Duration.ofMinutes(3));
            f.verifyExactlyOnceInOrder();
        }
    }
}
