package dev.eos.internals.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.eos.internals.exec.Work;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionTrackerTest {

    private static final TopicPartition TP = new TopicPartition("in", 0);

    private static Work work(PartitionTracker t, long offset) {
        return new Work(new ConsumerRecord<>("in", 0, offset, new byte[0], new byte[0]), t.tp, t.epoch, null);
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
                long next = -1;
                for (Work done : order) {
                    t.completed(done);
                    advanced.addAll(t.advance());
                    if (!advanced.isEmpty()) {
                        next = advanced.get(advanced.size() - 1).offset() + 1;
                    }
                    // every record below the advanced position is complete
                    for (Work w : works) {
                        if (next >= 0 && w.offset() < next) {
                            assertThat(w.completed).isTrue();
                        }
                    }
                    // the first incomplete record, if any, is at or past the position
                    long position = next;
                    works.stream().filter(w -> !w.completed).findFirst()
                            .ifPresent(first -> assertThat(position).isLessThanOrEqualTo(first.offset()));
                    // a record counts until it is advanced
                    assertThat(t.records()).isEqualTo(works.size() - advanced.size());
                }
                assertThat(advanced).containsExactlyElementsOf(works);
                assertThat(next).isEqualTo(works.get(works.size() - 1).offset() + 1);
                assertThat(t.records()).isZero();
                assertThat(t.bytes()).isZero();
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
        t.completed(a);
        b.cancelled = true;
        t.completed(b);
        t.completed(c);
        assertThat(t.advance()).containsExactly(a);
        assertThat(t.advance()).isEmpty();
        assertThat(t.records()).isEqualTo(2);
    }

    @Test
    void shouldRejectOffsetsThatDoNotIncrease() {
        PartitionTracker t = new PartitionTracker(TP);
        t.add(work(t, 5));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.add(work(t, 5)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldCountACompletedRecordHeldBehindAnIncompleteOneUntilItIsAdvanced() {
        PartitionTracker t = new PartitionTracker(TP);
        Work stuck = work(t, 1);
        Work done = work(t, 2);
        t.add(stuck);
        t.add(done);
        long input = stuck.inputBytes + done.inputBytes;
        assertThat(t.bytes()).isEqualTo(input);
        done.setOutputs(List.of(new org.apache.kafka.clients.producer.ProducerRecord<>("out", new byte[10],
                new byte[90])));
        t.completed(done);
        assertThat(t.advance()).isEmpty();
        assertThat(t.records()).as("a held record still counts").isEqualTo(2);
        assertThat(t.bytes()).as("input and held output bytes").isEqualTo(input + done.outputBytes);
        t.completed(stuck);
        assertThat(t.advance()).containsExactly(stuck, done);
        assertThat(t.records()).isZero();
        assertThat(t.bytes()).isZero();
    }

    @Test
    void shouldDropAnEpochAndReturnItsRecords() {
        PartitionTracker t = new PartitionTracker(TP);
        Work a = work(t, 1);
        t.add(a);
        assertThat(t.discard()).containsExactly(a);
        assertThat(t.epoch.discarded).isTrue();
        assertThat(t.epoch.acceptingNew).isFalse();
        assertThat(t.records()).isZero();
        assertThat(t.bytes()).isZero();
    }
}
