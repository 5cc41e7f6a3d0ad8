package com.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.Pipeline;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
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
class UppercaseIT {

    @Test
    void shouldUppercaseEveryWordExactlyOnce(KafkaCluster kafka) {
        String words = "words-" + UUID.randomUUID();
        String upper = "upper-" + UUID.randomUUID();
        kafka.createTopics(3, words, upper);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(words, "key-" + i % 10, "word-" + i));
            }
        }

        Pipeline<String, String> pipeline = Uppercase.pipeline(kafka.bootstrapServers(), words, upper);
        pipeline.start();
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(upper));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (out.size() < 100 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
        } finally {
            assertThat(pipeline.close(Duration.ofSeconds(30))).isTrue();
        }

        assertThat(out).hasSize(100).doesNotHaveDuplicates().allMatch(v -> v.startsWith("WORD-"));
    }
}
