package dev.eos.internals.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.internals.flow.InFlightLimits;
import dev.eos.internals.metrics.LiveStatus;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InputStatusTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    /**
     * The consumer group protocol's consumer drops a lost partition on its network thread: between that and the
     * poll thread's next rebalance callback, {@code assignment()} still lists it and {@code currentLag} throws
     * IllegalStateException ("No current assignment for partition"). That is an unknown lag, not a failed pipeline.
     */
    @Test
    void shouldTreatAPartitionDroppedUnderneathAsUnknownLag() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
            @Override
            public synchronized OptionalLong currentLag(TopicPartition tp) {
                if (tp.equals(P1)) {
                    throw new IllegalStateException("No current assignment for partition " + tp);
                }
                return OptionalLong.of(0);
            }
        };
        consumer.assign(List.of(P0, P1));
        consumer.updateEndOffsets(Map.of(P0, 0L, P1, 0L));

        assertThat(InputStatus.caughtUp(consumer, 500)).isFalse();

        LiveStatus live = new LiveStatus();
        live.lag = 7;
        new InputStatus(live).refresh(new PartitionTasks("app", live, null, consumer, null, null), consumer,
                new BackPressure(new InFlightLimits(1000, 1 << 20), () -> 0, () -> 0), null, LiveStatus.REFRESH_MS + 1);
        assertThat(live.lag).isEqualTo(-1);
        assertThat(consumer.assignment()).isEqualTo(Set.of(P0, P1));
    }
}
