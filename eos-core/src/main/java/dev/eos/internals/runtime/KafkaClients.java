package dev.eos.internals.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Creates the Kafka clients a pipeline uses and lists the cluster's topics: the seam where tests put Kafka's
 * {@code MockConsumer} and {@code MockProducer} in place of real clients.
 */
public interface KafkaClients {

    Consumer<byte[], byte[]> consumer(Map<String, Object> configs);

    Producer<byte[], byte[]> producer(Map<String, Object> configs);

    /**
     * The names of the cluster's topics, or null if {@code stopRequested} became true while waiting.
     *
     * @throws IllegalStateException if the cluster did not answer within {@code timeout} or the listing failed
     */
    Set<String> topicNames(Map<String, Object> adminConfigs, Duration timeout, BooleanSupplier stopRequested);

    /** An admin client (the changelog topics of stateful pipelines). */
    default org.apache.kafka.clients.admin.Admin admin(Map<String, Object> configs) {
        return org.apache.kafka.clients.admin.Admin.create(configs);
    }

    /** The real clients. */
    static KafkaClients real() {
        return RealKafkaClients.INSTANCE;
    }
}
