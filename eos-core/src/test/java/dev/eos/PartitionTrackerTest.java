package dev.eos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionTrackerTest {

    private static final TopicPartition TP = new TopicPartition("in", 0);

    private static Work work(PartitionTracker t, long offset) {
        return new Work(new ConsumerRecord<>("in", 0, offset, new byte[0], new byte[0]), t, null);
    }

    /**
     * For any completion order of the records of a partition, the position after the advanced prefix never
     * passes a record that has not completed, and once all completed, all are advanced in offset order.
     */
    @Test
    void shouldNeverAdvancePastAnIncompleteRecordWhateverTheCompletionOrder() {
        qt().withExamples(300).forAll(
                integers().between(1, 60),
                lists().of(integers().between(0, 1_000_000)).ofSizeBetween(60, 60))
            .checkAssert((count, randomness) -> {
                PartitionTracker t = new PartitionTracker(TP);
                List<Work> works = new ArrayList<>();
                long base = 1000;
                for (int i = 0; i < count; i++) {
                    Work w = work(t, base + 3L * i); // offsets with gaps, as after compaction or transactions
                    works.add(w);
                    t.add(w);
                }
                // a permutation of completion order from the random list
                List<Work> order = new ArrayList<>(works);
                for (int i = order.size() - 1; i > 0; i--) {
                    int j = randomness.get(i % randomness.size()) % (i + 1);
                    Work tmp = order.get(i);
                    order.set(i, order.get(j));
                    order.set(j, tmp);
                }
                List<Work> advanced = new ArrayList<>();
                for (Work done : order) {
                    done.drained = true;
                    advanced.addAll(t.advance());
                    // every record below the advanced position is complete
                    for (Work w : works) {
                        if (t.next >= 0 && w.offset() < t.next) {
                            assertThat(w.drained).isTrue();
                        }
                    }
                    // the first incomplete record, if any, is at or past the position
                    works.stream().filter(w -> !w.drained).findFirst()
                            .ifPresent(first -> assertThat(t.next).isLessThanOrEqualTo(first.offset()));
                }
                assertThat(advanced).containsExactlyElementsOf(works);
                assertThat(t.next).isEqualTo(works.get(works.size() - 1).offset() + 1);
                assertThat(t.size()).isZero();
            });
    }

    @Test
    void shouldStopAtACancelledRecord() {
        PartitionTracker t = new PartitionTracker(TP);
        Work a = work(t, 1);
        Work b = work(t, 2);
        Work c = work(t, 3);
        t.add(a);
        t.add(b);
        t.add(c);
        a.drained = true;
        b.drained = true;
        b.cancelled = true;
        c.drained = true;
        assertThat(t.advance()).containsExactly(a);
        assertThat(t.next).isEqualTo(2);
        assertThat(t.advance()).isEmpty();
    }

    @Test
    void shouldRejectOffsetsThatDoNotIncrease() {
        PartitionTracker t = new PartitionTracker(TP);
        t.add(work(t, 5));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.add(work(t, 5)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReturnHeldBytesOnDiscard() {
        PartitionTracker t = new PartitionTracker(TP);
        Work a = work(t, 1);
        t.add(a);
        a.setOutputs(List.of(new org.apache.kafka.clients.producer.ProducerRecord<>("out", new byte[10], new byte[90])));
        a.drained = true;
        assertThat(t.discard()).isEqualTo(a.outputBytes).isGreaterThanOrEqualTo(100);
        assertThat(t.discarded).isTrue();
        assertThat(t.acceptingNew).isFalse();
    }
}
