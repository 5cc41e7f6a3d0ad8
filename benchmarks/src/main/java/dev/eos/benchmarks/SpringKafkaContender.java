package dev.eos.benchmarks;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.transaction.KafkaTransactionManager;

/**
 * The {@code spring-kafka-tx} contender: a Spring Kafka listener container with a {@link KafkaTransactionManager}
 * (consume-transform-produce: the container begins a transaction per poll, the listener sends through a
 * {@link KafkaTemplate} that joins it, and the container sends the offsets to it before the commit), reading
 * with read_committed, one consumer thread per partition.
 */
final class SpringKafkaContender {

    private SpringKafkaContender() {
    }

    static AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario,
            int partitions) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        DefaultKafkaProducerFactory<String, String> producers = new DefaultKafkaProducerFactory<>(p,
                new StringSerializer(), new StringSerializer());
        producers.setTransactionIdPrefix(app + "-tx-");
        KafkaTemplate<String, String> template = new KafkaTemplate<>(producers);

        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, app);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        DefaultKafkaConsumerFactory<String, String> consumers = new DefaultKafkaConsumerFactory<>(c,
                new StringDeserializer(), new StringDeserializer());

        ContainerProperties props = new ContainerProperties(input);
        props.setKafkaAwareTransactionManager(new KafkaTransactionManager<>(producers));
        props.setMessageListener((MessageListener<String, String>) r -> {
            try {
                String value = scenario.transform(r.value());
                template.send(scenario == Scenario.LATENCY ? new org.apache.kafka.clients.producer.ProducerRecord<>(
                        output, null, r.key(), value, Contender.processedNow())
                        : new org.apache.kafka.clients.producer.ProducerRecord<>(output, r.key(), value));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        ConcurrentMessageListenerContainer<String, String> container =
                new ConcurrentMessageListenerContainer<>(consumers, props);
        container.setConcurrency(partitions);
        container.setBeanName(app);
        container.start();
        return () -> {
            container.stop();
            producers.destroy();
        };
    }
}
