package dev.eos.examples.cli;

import dev.eos.examples.Example;
import dev.eos.examples.WorkerProcess;
import dev.eos.testkit.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code eos demo --example NAME}: one {@link Example} in worker processes, one of them killed with SIGKILL part
 * way and replaced (its local state is then rebuilt from the changelog), then the committed output checked
 * against an independent fold of the input. Ends with the demo's last line.
 */
final class ExampleDemo {

    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private ExampleDemo() {
    }

    static int run(Example example, int records, int partitions, int workerCount, String given) {
        try (DemoRun d = new DemoRun(given)) {
            List<WorkerProcess> workers = d.workers;
            String bootstrap = d.bootstrap;
            d.say("Kafka at " + bootstrap + "; example " + example.name() + ": " + example.description());
            String run = "eos-" + example.name() + "-" + Long.toString(System.currentTimeMillis(), 36);
            List<String> topics = example.topics(run);
            KafkaCluster.createTopics(bootstrap, partitions, topics.toArray(new String[0]));
            d.say("topics " + topics + " (" + partitions + " partitions)");
            d.say("writing " + records + " input records...");
            long expected = example.produce(bootstrap, run, 0, records);
            d.say("input written; " + expected + " records expected in " + example.progressTopic(run));

            Path logDir = Files.createTempDirectory("eos-demo-");
            for (int i = 1; i <= workerCount; i++) {
                workers.add(start(bootstrap, run, example, "w" + i, logDir));
            }
            d.say("started " + workerCount + " worker processes, logs and state in " + logDir);

            boolean killed = false;
            long seen = 0;
            long lastReport = System.nanoTime();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            try (KafkaConsumer<byte[], byte[]> monitor = d.monitor(example.progressTopic(run),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                while (seen < expected) {
                    if (System.nanoTime() > deadline) {
                        d.say("timed out after " + TIMEOUT.toMinutes() + " min waiting for the output");
                        break;
                    }
                    seen += monitor.poll(Duration.ofMillis(200)).count();
                    if (!killed && seen >= expected / 3) {
                        WorkerProcess victim = workers.get(1);
                        victim.kill();
                        d.say("killed " + victim + " with SIGKILL at " + seen + " records out");
                        workers.set(1, start(bootstrap, run, example, victim.instance(), logDir));
                        d.say("started replacement " + workers.get(1));
                        killed = true;
                    }
                    if (System.nanoTime() - lastReport >= 2_000_000_000L) {
                        d.say("output " + seen + " of " + expected);
                        lastReport = System.nanoTime();
                    }
                }
            }
            return d.stopAndCheck(example, run);
        } catch (Exception e) {
            return DemoRun.crashed(e, records);
        }
    }

    private static WorkerProcess start(String bootstrap, String run, Example example, String instance, Path dir) {
        return WorkerProcess.start(bootstrap, run, instance, "-", "-", dir, List.of("--example", example.name(),
                "--state-dir", dir.resolve("state-" + instance).toString()));
    }
}
