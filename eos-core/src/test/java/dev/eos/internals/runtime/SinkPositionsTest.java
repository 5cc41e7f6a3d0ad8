package dev.eos.internals.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eos.FailureAction;
import dev.eos.TransactionalSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.junit.jupiter.api.Test;

/**
 * Where the partitions of a pipeline with a sink resume: paused until the sink claimed them and said where, the
 * sink's positions seeked (never a position held in memory), a sink that cannot be reached retried while the
 * partitions stay paused, a partition no longer assigned not claimed, and the offsets copied to Kafka after a commit.
 */
class SinkPositionsTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    /** The sink's side, scripted: its positions, and how many of the next calls fail. */
    private static final class ScriptedSink implements TransactionalSink {
        final Map<TopicPartition, Long> positions = new HashMap<>();
        final List<List<TopicPartition>> claims = new ArrayList<>();
        final List<List<TopicPartition>> reads = new ArrayList<>();
        int failNext;
        RuntimeException failure = new RetriableException("database unreachable") { };

        @Override
        public void open(String applicationId, FailureAction failureAction, MeterRegistry registry) {
        }

        @Override
        public Map<TopicPartition, Long> claim(Collection<TopicPartition> partitions,
                ToLongFunction<TopicPartition> initial) {
            claims.add(List.copyOf(partitions));
            failIfScripted();
            Map<TopicPartition, Long> out = new HashMap<>();
            for (TopicPartition tp : partitions) {
                out.put(tp, positions.computeIfAbsent(tp, initial::applyAsLong));
            }
            return out;
        }

        @Override
        public Map<TopicPartition, Long> positions(Collection<TopicPartition> partitions) {
            reads.add(List.copyOf(partitions));
            failIfScripted();
            Map<TopicPartition, Long> out = new HashMap<>();
            partitions.forEach(tp -> out.put(tp, positions.get(tp)));
            return out;
        }

        private void failIfScripted() {
            if (failNext > 0) {
                failNext--;
                throw failure;
            }
        }

        @Override
        public void commit(List<? extends Record> records, Map<TopicPartition, Long> nextOffsets) {
            throw new UnsupportedOperationException();
        }
    }

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final ScriptedSink sink = new ScriptedSink();
    private final SinkPositions positions = new SinkPositions("app", sink, consumer);

    SinkPositionsTest() {
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.updateEndOffsets(Map.of(P0, 100L, P1, 100L));
    }

    @Test
    void shouldKeepPartitionsPausedUntilTheSinkClaimedThemAndSeekWhereItSays() {
        sink.positions.put(P0, 42L);
        positions.claim(List.of(P0, P1));
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);

        Map<TopicPartition, Long> found = positions.resolve();
        assertThat(found).isEqualTo(Map.of(P0, 42L, P1, 0L)); // P1 had no position: the consumer's own (earliest)
        assertThat(consumer.position(P0)).isEqualTo(42);
        assertThat(consumer.position(P1)).isZero();
        assertThat(consumer.paused()).isEmpty();
        assertThat(positions.resolve()).as("nothing more to do").isEmpty();
    }

    @Test
    void shouldRetryWithPartitionsPausedWhileTheSinkCannotBeReached() throws Exception {
        sink.failNext = 2;
        positions.claim(List.of(P0));
        assertThat(positions.resolve()).isEmpty();
        assertThat(consumer.paused()).containsExactly(P0);
        assertThat(positions.resolve()).as("backing off: not asked again at once").isEmpty();
        assertThat(sink.claims).hasSize(1);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Map<TopicPartition, Long> found = Map.of();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            found = positions.resolve();
        }
        assertThat(found).isEqualTo(Map.of(P0, 0L));
        assertThat(sink.claims).hasSize(3);
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void shouldSeekToWhatTheSinkHoldsAfterAFailureNotWhereTheConsumerIs() {
        positions.claim(List.of(P0, P1));
        positions.resolve();
        consumer.seek(P0, 77); // the pipeline read on, and its commit failed with an unknown outcome
        sink.positions.put(P0, 60L); // what the sink committed
        positions.reread(List.of(P0));
        assertThat(consumer.paused()).containsExactly(P0);
        assertThat(positions.resolve()).isEqualTo(Map.of(P0, 60L));
        assertThat(sink.reads).containsExactly(List.of(P0));
        assertThat(consumer.position(P0)).isEqualTo(60);
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void shouldClaimOnlyPartitionsTheConsumerStillHolds() {
        positions.claim(List.of(P0, P1));
        consumer.assign(List.of(P1)); // P0 went to another instance before the claim ran
        assertThat(positions.resolve()).containsOnlyKeys(P1);
        assertThat(sink.claims).containsExactly(List.of(P1));
    }

    @Test
    void shouldFailOnAnErrorOfTheSinkThatIsNotRetriable() {
        sink.failNext = 1;
        sink.failure = new IllegalStateException("permission denied for table eos_offsets");
        positions.claim(List.of(P0));
        assertThatThrownBy(positions::resolve).isInstanceOf(KafkaException.class)
                .hasMessageContaining("permission denied for table eos_offsets");
    }

    @Test
    void shouldCopyTheSinksOffsetsToKafkaForMonitoring() {
        positions.committed(Map.of(P0, new OffsetAndMetadata(12)));
        assertThat(consumer.committed(java.util.Set.of(P0))).containsEntry(P0, new OffsetAndMetadata(12));
    }
}
