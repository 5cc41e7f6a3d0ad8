package dev.eos.internals.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.internals.exec.Work;
import dev.eos.internals.flow.InFlightLimits;
import dev.eos.internals.metrics.LiveStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BackPressureTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    /**
     * Stages whose attempts ended (timed out, epoch dropped) but that still run count against
     * max.in.flight.records: with them, the limit is reached and the partition holding its share pauses.
     */
    @Test
    void shouldCountAbandonedStagesAgainstTheRecordLimit() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(P0, P1));
        PartitionTasks tasks = new PartitionTasks("app", new LiveStatus(), null, consumer, null, null);
        tasks.assigned(List.of(P0, P1));
        PartitionTracker t0 = tasks.trackerFor(tasks.task(P0));
        for (int i = 0; i < 5; i++) {
            t0.add(new Work(new ConsumerRecord<>("in", 0, i, new byte[1], new byte[1]), P0, t0.epoch, null));
        }
        AtomicInteger abandoned = new AtomicInteger();
        BackPressure backPressure = new BackPressure(new InFlightLimits(10, 1 << 30), abandoned::get, () -> 0);

        backPressure.apply(tasks, consumer);
        assertThat(consumer.paused()).as("5 of 10 records in flight").isEmpty();

        abandoned.set(5);
        backPressure.apply(tasks, consumer);
        assertThat(consumer.paused()).as("5 records and 5 stages still running").containsExactly(P0);

        abandoned.set(0);
        backPressure.apply(tasks, consumer);
        assertThat(consumer.paused()).as("the stages ended").isEmpty();
    }

    /**
     * The store writes of sent records stay in memory (overlay, open transaction) until the fold or the abort: they
     * count against max.in.flight.bytes until then, not only until the record is sent.
     */
    @Test
    void shouldCountSentStoreWritesAgainstTheByteLimitUntilTheyAreFolded() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(P0, P1));
        PartitionTasks tasks = new PartitionTasks("app", new LiveStatus(), null, consumer, null, null);
        tasks.assigned(List.of(P0, P1));
        PartitionTracker t0 = tasks.trackerFor(tasks.task(P0));
        t0.add(new Work(new ConsumerRecord<>("in", 0, 0, new byte[1], new byte[1_000]), P0, t0.epoch, null));
        java.util.concurrent.atomic.AtomicLong stateBytes = new java.util.concurrent.atomic.AtomicLong();
        BackPressure backPressure = new BackPressure(new InFlightLimits(1_000_000, 100_000), () -> 0,
                stateBytes::get);

        backPressure.apply(tasks, consumer);
        assertThat(consumer.paused()).isEmpty();

        stateBytes.set(100_000); // a transaction's store writes, sent and not yet folded
        backPressure.apply(tasks, consumer);
        assertThat(consumer.paused()).as("the byte limit is reached with the sent store writes").containsExactly(P0);

        stateBytes.set(0); // folded
        backPressure.apply(tasks, consumer);
        assertThat(consumer.paused()).isEmpty();
    }
}
