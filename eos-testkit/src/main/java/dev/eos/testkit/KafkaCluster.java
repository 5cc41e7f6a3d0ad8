package dev.eos.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A running Kafka cluster for tests, demos and benchmarks.
 *
 * <p>Two backends implement it: {@link LocalKafkaCluster}, KRaft nodes run as child JVM processes from
 * the Kafka jars on the class path (the default, needs nothing but a JDK), and a Testcontainers backend
 * (one {@code apache/kafka} container) chosen by {@link #create(int)} when a Docker engine answers.
 * Closing a cluster stops every node and deletes its data.
 */
public interface KafkaCluster extends AutoCloseable {

    /**
     * System property that selects the backend of {@link #create(int)}: {@code process} (child JVMs),
     * {@code testcontainers} (Docker), or {@code auto} (the default: Testcontainers for one node when a
     * Docker engine answers, child JVMs otherwise).
     */
    String BACKEND_PROPERTY = "eos.testkit.backend";

    /**
     * Starts a cluster of {@code nodes} nodes (1 or 3) with the backend chosen by {@link #BACKEND_PROPERTY}.
     * Returns once the cluster answers metadata requests and can run transactions.
     *
     * @throws IllegalArgumentException if {@code nodes} is not 1 or 3
     * @throws IllegalStateException if the cluster cannot start; the message says why
     */
    static KafkaCluster create(int nodes) {
        String backend = System.getProperty(BACKEND_PROPERTY, "auto").trim().toLowerCase(java.util.Locale.ROOT);
        switch (backend) {
            case "process":
                return LocalKafkaCluster.builder().nodes(nodes).build().start();
            case "testcontainers":
                return dev.eos.testkit.internal.Backends.startTestcontainers(nodes);
            case "auto":
                if (nodes == 1 && dev.eos.testkit.internal.Backends.dockerAvailable()) {
                    return dev.eos.testkit.internal.Backends.startTestcontainers(nodes);
                }
                return LocalKafkaCluster.builder().nodes(nodes).build().start();
            default:
                throw new IllegalArgumentException("Unknown " + BACKEND_PROPERTY + "='" + backend
                        + "': expected process, testcontainers or auto");
        }
    }

    /** The bootstrap servers to give Kafka clients, for example {@code 127.0.0.1:40123}. */
    String bootstrapServers();

    /** The nodes of the cluster, in node id order. */
    List<KafkaNode> nodes();

    /** The node with this node id. @throws IllegalArgumentException if there is none */
    default KafkaNode node(int nodeId) {
        for (KafkaNode n : nodes()) {
            if (n.id() == nodeId) {
                return n;
            }
        }
        throw new IllegalArgumentException("No node with id " + nodeId + " in " + nodes());
    }

    /** Client properties to reach the cluster: at least {@code bootstrap.servers}. */
    default Map<String, Object> clientProperties() {
        return Map.of("bootstrap.servers", bootstrapServers());
    }

    /** The replication factor that topics of this cluster should use: 1 for one node, 3 for three. */
    short replicationFactor();

    /**
     * Creates topics with the cluster's replication factor and waits until they are known to every node.
     *
     * @param partitions number of partitions of each topic
     * @param topics names of the topics to create
     */
    void createTopics(int partitions, String... topics);

    /**
     * Creates topics on any cluster (for example one given by {@code --bootstrap}), with a replication factor of
     * min(3, number of brokers), and waits until every partition has a leader. Existing topics are left as they
     * are.
     */
    static void createTopics(String bootstrapServers, int partitions, String... topics) {
        dev.eos.testkit.internal.Topics.create(bootstrapServers, (short) 0, partitions, topics);
    }

    /**
     * Stops every node and deletes the data.
     *
     * @param timeout how long to wait for the nodes to exit before killing them
     * @return whether every node stopped within the timeout
     */
    boolean close(Duration timeout);

    /** Stops every node (waiting up to 30 seconds) and deletes the data. Idempotent. */
    @Override
    default void close() {
        close(Duration.ofSeconds(30));
    }
}
