package dev.eos.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithKafkaCluster
class LocalKafkaClusterIT {

    @Test
    void shouldProduceAndConsumeThroughOneNode(KafkaCluster kafka) throws Exception {
        String topic = "plain-" + UUID.randomUUID();
        kafka.createTopics(3, topic);
        try (KafkaProducer<String, String> producer = producer(kafka, null)) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
        List<ConsumerRecord<String, String>> read = readAll(kafka, topic, "read_uncommitted", 100);
        assertThat(read).hasSize(100);
        assertThat(read).extracting(ConsumerRecord::value).contains("v0", "v99");
    }

    @Test
    void shouldHideAbortedTransactionsFromReadCommitted(KafkaCluster kafka) {
        String topic = "txn-" + UUID.randomUUID();
        kafka.createTopics(1, topic);
        try (KafkaProducer<String, String> producer = producer(kafka, "txn-" + UUID.randomUUID())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.flush(); // written to the log, then aborted
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
        }
        assertThat(readAll(kafka, topic, "read_committed", 1)).extracting(ConsumerRecord::value)
                .containsExactly("committed");
        assertThat(readAll(kafka, topic, "read_uncommitted", 2)).extracting(ConsumerRecord::value)
                .containsExactly("aborted", "committed");
    }

    static KafkaProducer<String, String> producer(KafkaCluster kafka, String transactionalId) {
        Map<String, Object> props = new java.util.HashMap<>(kafka.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    static List<ConsumerRecord<String, String>> readAll(KafkaCluster kafka, String topic, String isolation,
            int expected) {
        Map<String, Object> props = new java.util.HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a short extra poll: anything beyond the expected count is reported too
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }
}
