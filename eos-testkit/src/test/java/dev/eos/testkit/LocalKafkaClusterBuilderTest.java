package dev.eos.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalKafkaClusterBuilderTest {

    @Test
    void shouldRejectClusterSizesOtherThanOneOrThree() {
        assertThatThrownBy(() -> LocalKafkaCluster.builder().nodes(2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 or 3");
    }

    @Test
    void shouldRejectMalformedHeap() {
        assertThatThrownBy(() -> LocalKafkaCluster.builder().heap("lots"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512m");
    }

    @Test
    void shouldRejectNonPositiveStartTimeout() {
        assertThatThrownBy(() -> LocalKafkaCluster.builder().startTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectUnknownBackend() {
        System.setProperty(KafkaCluster.BACKEND_PROPERTY, "nonsense");
        try {
            assertThatThrownBy(() -> KafkaCluster.create(1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonsense");
        } finally {
            System.clearProperty(KafkaCluster.BACKEND_PROPERTY);
        }
    }
}
