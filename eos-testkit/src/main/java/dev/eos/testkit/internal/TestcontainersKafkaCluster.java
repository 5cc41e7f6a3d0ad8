package dev.eos.testkit.internal;

import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.KafkaNode;
import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** A one-node KRaft cluster in an {@code apache/kafka} container. Not API: use {@link KafkaCluster#create}. */
final class TestcontainersKafkaCluster implements KafkaCluster {

    static final String IMAGE = "apache/kafka:4.4.0";

    private final KafkaContainer container;
    private volatile boolean closed;

    private TestcontainersKafkaCluster(KafkaContainer container) {
        this.container = container;
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static KafkaCluster start() {
        KafkaContainer c = new KafkaContainer(System.getProperty("eos.testkit.image", IMAGE))
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        c.start();
        return new TestcontainersKafkaCluster(c);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public List<KafkaNode> nodes() {
        return List.of(new ContainerNode());
    }

    @Override
    public short replicationFactor() {
        return 1;
    }

    @Override
    public void createTopics(int partitions, String... topics) {
        Topics.create(bootstrapServers(), (short) 1, partitions, topics);
    }

    @Override
    public synchronized boolean close(Duration timeout) {
        if (!closed) {
            closed = true;
            container.stop();
        }
        return true;
    }

    private final class ContainerNode implements KafkaNode {
        @Override
        public int id() {
            return 1;
        }

        @Override
        public long pid() {
            return -1;
        }

        @Override
        public boolean isAlive() {
            return container.isRunning();
        }

        @Override
        public void kill() {
            container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
        }

        @Override
        public void pause() {
            container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
        }

        @Override
        public void resume() {
            container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
        }

        @Override
        public void restart() {
            container.getDockerClient().restartContainerCmd(container.getContainerId()).exec();
        }
    }
}
