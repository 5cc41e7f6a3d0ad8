package dev.eos.examples.cli;

import dev.eos.examples.WorkerProcess;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.LocalKafkaCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What every demo run shares: the clock its progress lines count from, the Kafka cluster it runs against (a
 * local 1-node cluster in a child JVM unless {@code --bootstrap} named one) and its worker processes, all stopped
 * on close.
 */
final class DemoRun implements AutoCloseable {

    private final long t0 = System.nanoTime();
    private final KafkaCluster cluster;
    final String bootstrap;
    /** The demo's worker processes: killed on close if still alive. */
    final List<WorkerProcess> workers = new ArrayList<>();

    /** Uses {@code given} bootstrap servers, or starts a local cluster (deleted on close) when it is null. */
    DemoRun(String given) {
        this(given, false);
    }

    /**
     * As {@link #DemoRun(String)}, but with {@code preferRunning} and no servers given, the local cluster that
     * {@code eos kafka start} runs is used if there is one.
     */
    DemoRun(String given, boolean preferRunning) {
        String local = given == null && preferRunning ? Bootstrap.running() : null;
        if (local != null) {
            say("using the local Kafka cluster that ./eos kafka start runs (" + local + ")");
            cluster = null;
            bootstrap = local;
        } else if (given == null) {
            say("starting a local 1-node Kafka cluster (child JVM)...");
            cluster = LocalKafkaCluster.builder().nodes(1).build().start();
            bootstrap = cluster.bootstrapServers();
        } else {
            cluster = null;
            bootstrap = given;
        }
    }

    /** Whether the cluster was started by this run, and so is deleted when it closes. */
    boolean ownsCluster() {
        return cluster != null;
    }

    /** Prints a progress line with the seconds since the run began. */
    void say(String line) {
        System.out.printf("[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, line);
        System.out.flush();
    }

    /** A read_committed consumer of every partition of {@code topic}, from the beginning. */
    <K, V> KafkaConsumer<K, V> monitor(String topic, Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<K, V> c = new KafkaConsumer<>(props, keys, values);
        Set<TopicPartition> tps = c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
        c.assign(tps);
        c.seekToBeginning(tps);
        return c;
    }

    /**
     * Stops the workers cleanly, runs the example's check and prints what it found and the demo's last line;
     * returns the exit code (0 when exactly once).
     */
    int stopAndCheck(dev.eos.examples.Example example, String run) {
        say("stopping the workers");
        for (WorkerProcess w : workers) {
            w.stop(30);
        }
        workers.clear();
        say("checking the committed output against a fold of the input (read_committed)...");
        dev.eos.examples.Example.Check check = example.check(bootstrap, run);
        for (String line : check.details()) {
            say("  " + line);
        }
        System.out.println(check.verdict());
        return check.ok() ? 0 : 1;
    }

    /** A demo that could not run: says why and prints the demo's last line as a violation; returns 1. */
    static int crashed(Exception e, long records) {
        System.err.println("eos demo: " + e);
        e.printStackTrace();
        System.out.println("exactly-once: VIOLATED input=" + records + " output=0 duplicates=0 lost=" + records);
        return 1;
    }

    @Override
    public void close() {
        for (WorkerProcess w : workers) {
            w.kill();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
