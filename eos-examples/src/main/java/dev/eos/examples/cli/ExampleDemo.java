package dev.eos.examples.cli;

import dev.eos.examples.Example;
import dev.eos.examples.WorkerProcess;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.LocalKafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
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

    static int run(Example example, Args args) {
        int records = args.getInt("records", 50_000, 1, 100_000_000);
        int partitions = args.getInt("partitions", 6, 1, 1000);
        int workerCount = args.getInt("workers", 3, 2, 32);
        String given = args.get("bootstrap", null);
        long t0 = System.nanoTime();
        KafkaCluster cluster = null;
        List<WorkerProcess> workers = new ArrayList<>();
        try {
            String bootstrap;
            if (given == null) {
                say(t0, "starting a local 1-node Kafka cluster (child JVM)...");
                cluster = LocalKafkaCluster.builder().nodes(1).build().start();
                bootstrap = cluster.bootstrapServers();
            } else {
                bootstrap = given;
            }
            say(t0, "Kafka at " + bootstrap + "; example " + example.name() + ": " + example.description());
            String run = "eos-" + example.name() + "-" + Long.toString(System.currentTimeMillis(), 36);
            List<String> topics = example.topics(run);
            KafkaCluster.createTopics(bootstrap, partitions, topics.toArray(new String[0]));
            say(t0, "topics " + topics + " (" + partitions + " partitions)");
            say(t0, "writing " + records + " input records...");
            long expected = example.produce(bootstrap, run, 0, records);
            say(t0, "input written; " + expected + " records expected in " + example.progressTopic(run));

            Path logDir = Files.createTempDirectory("eos-demo-");
            for (int i = 1; i <= workerCount; i++) {
                workers.add(start(bootstrap, run, example, "w" + i, logDir));
            }
            say(t0, "started " + workerCount + " worker processes, logs and state in " + logDir);

            boolean killed = false;
            long seen = 0;
            long lastReport = System.nanoTime();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            try (KafkaConsumer<byte[], byte[]> monitor = monitor(bootstrap, example.progressTopic(run))) {
                while (seen < expected) {
                    if (System.nanoTime() > deadline) {
                        say(t0, "timed out after " + TIMEOUT.toMinutes() + " min waiting for the output");
                        break;
                    }
                    seen += monitor.poll(Duration.ofMillis(200)).count();
                    if (!killed && seen >= expected / 3) {
                        WorkerProcess victim = workers.get(1);
                        victim.kill();
                        say(t0, "killed " + victim + " with SIGKILL at " + seen + " records out");
                        workers.set(1, start(bootstrap, run, example, victim.instance(), logDir));
                        say(t0, "started replacement " + workers.get(1) + " (it rebuilds its stores from the changelog)");
                        killed = true;
                    }
                    if (System.nanoTime() - lastReport >= 2_000_000_000L) {
                        say(t0, "output " + seen + " of " + expected);
                        lastReport = System.nanoTime();
                    }
                }
            }
            say(t0, "stopping the workers");
            for (WorkerProcess w : workers) {
                w.stop(30);
            }
            workers.clear();
            say(t0, "checking the committed output against a fold of the input (read_committed)...");
            Example.Check check = example.check(bootstrap, run);
            for (String line : check.details()) {
                say(t0, "  " + line);
            }
            System.out.println(check.verdict());
            return check.ok() ? 0 : 1;
        } catch (Exception e) {
            System.err.println("eos demo: " + e);
            e.printStackTrace();
            System.out.println("exactly-once: VIOLATED input=" + records + " output=0 duplicates=0 lost=" + records);
            return 1;
        } finally {
            for (WorkerProcess w : workers) {
                w.kill();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private static WorkerProcess start(String bootstrap, String run, Example example, String instance, Path dir) {
        return WorkerProcess.start(bootstrap, run, instance, "-", "-", dir, List.of("--example", example.name(),
                "--state-dir", dir.resolve("state-" + instance).toString()));
    }

    private static KafkaConsumer<byte[], byte[]> monitor(String bootstrap, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        Set<TopicPartition> tps = c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
        c.assign(tps);
        c.seekToBeginning(tps);
        return c;
    }

    private static void say(long t0, String line) {
        System.out.printf("[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, line);
        System.out.flush();
    }
}
