package dev.eos.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.eos.testkit.internal.Backends;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Runs only where a Docker engine answers; skipped with the reason elsewhere. */
class ContainerBackendIT {

    @Test
    void shouldRoundTripThroughTheContainerBackend() throws Exception {
        String reason = Backends.dockerUnavailableReason();
        assumeTrue(reason == null, "Testcontainers backend skipped: " + reason);
        try (KafkaCluster kafka = Backends.startTestcontainers(1)) {
            String topic = "tc-" + UUID.randomUUID();
            kafka.createTopics(1, topic);
            try (var producer = LocalKafkaClusterIT.producer(kafka, null)) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "k", "v")).get();
            }
            assertThat(LocalKafkaClusterIT.readAll(kafka, topic, "read_committed", 1)).hasSize(1);
        }
    }
}
