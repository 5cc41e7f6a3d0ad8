package dev.eos.internals.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.DeadLetter;
import dev.eos.Provenance;
import dev.eos.internals.exec.Epoch;
import dev.eos.internals.exec.Work;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CoalescedOutputsTest {

    private static final TopicPartition IN0 = new TopicPartition("in", 0);
    private static final TopicPartition IN1 = new TopicPartition("in", 1);

    private final List<String> written = new ArrayList<>();

    private static Work work(TopicPartition tp, long offset) {
        return new Work(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, new byte[0], new byte[0]), tp,
                new Epoch(), null);
    }

    private static ProducerRecord<byte[], byte[]> out(String topic, String key, String value) {
        return new ProducerRecord<>(topic, null, 7L, key == null ? null : utf8(key), utf8(value),
                new RecordHeaders());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void write(ProducerRecord<byte[], byte[]> r, Work from) {
        written.add(new String(r.key(), StandardCharsets.UTF_8) + "=" + new String(r.value(), StandardCharsets.UTF_8)
                + " " + DeadLetter.header(r.headers(), Provenance.SOURCE_TOPIC) + "-"
                + DeadLetter.header(r.headers(), Provenance.SOURCE_PARTITION) + "@"
                + DeadLetter.header(r.headers(), Provenance.SOURCE_FIRST_OFFSET) + ".."
                + DeadLetter.header(r.headers(), Provenance.SOURCE_OFFSET) + " from " + from.offset());
    }

    @Test
    void shouldWriteOnlyTheLatestValuePerKeyWithTheInputRangeItCovers() {
        CoalescedOutputs c = new CoalescedOutputs(Set.of("counts"), 1 << 20);
        c.put(out("counts", "a", "1"), work(IN0, 10), this::write);
        c.put(out("counts", "b", "1"), work(IN0, 11), this::write);
        c.put(out("counts", "a", "2"), work(IN0, 12), this::write);
        c.put(out("counts", "a", "3"), work(IN0, 15), this::write);
        assertThat(written).isEmpty();
        assertThat(c.size()).isEqualTo(2);
        assertThat(c.replaced()).isEqualTo(2);
        c.drain(this::write);
        // the least recently updated first
        assertThat(written).containsExactly("b=1 in-0@11..11 from 11", "a=3 in-0@10..15 from 15");
        assertThat(c.size()).isZero();
        assertThat(c.bytes()).isZero();
    }

    @Test
    void shouldHoldOnlyKeyedRecordsOfCoalescedTopics() {
        CoalescedOutputs c = new CoalescedOutputs(Set.of("counts"), 1 << 20);
        assertThat(c.holds(out("counts", "a", "1"))).isTrue();
        assertThat(c.holds(out("counts", null, "1"))).isFalse();
        assertThat(c.holds(out("events", "a", "1"))).isFalse();
    }

    @Test
    void shouldKeepTheHeadersOfTheLastRecordAndItsOwnProvenance() {
        CoalescedOutputs c = new CoalescedOutputs(Set.of("counts"), 1 << 20);
        ProducerRecord<byte[], byte[]> last = out("counts", "a", "2");
        last.headers().add("trace", utf8("t2"));
        last.headers().add(Provenance.SOURCE_TOPIC, utf8("in"));
        last.headers().add(Provenance.SOURCE_PARTITION, utf8("0"));
        last.headers().add(Provenance.SOURCE_OFFSET, utf8("4"));
        c.put(out("counts", "a", "1"), work(IN0, 3), this::write);
        c.put(last, work(IN0, 4), this::write);
        List<ProducerRecord<byte[], byte[]>> drained = new ArrayList<>();
        c.drain((r, w) -> drained.add(r));
        assertThat(drained).hasSize(1);
        ProducerRecord<byte[], byte[]> r = drained.get(0);
        assertThat(r.timestamp()).isEqualTo(7L);
        assertThat(DeadLetter.header(r.headers(), "trace")).isEqualTo("t2");
        assertThat(r.headers().headers(Provenance.SOURCE_OFFSET)).hasSize(1); // not added twice
        assertThat(DeadLetter.header(r.headers(), Provenance.SOURCE_FIRST_OFFSET)).isEqualTo("3");
    }

    @Test
    void shouldWriteAKeysValueEarlyWhenItsNextValueComesFromAnotherInputPartition() {
        CoalescedOutputs c = new CoalescedOutputs(Set.of("counts"), 1 << 20);
        c.put(out("counts", "a", "1"), work(IN0, 5), this::write);
        c.put(out("counts", "a", "2"), work(IN0, 6), this::write);
        c.put(out("counts", "a", "3"), work(IN1, 0), this::write);
        assertThat(written).containsExactly("a=2 in-0@5..6 from 6");
        c.drain(this::write);
        assertThat(written).containsExactly("a=2 in-0@5..6 from 6", "a=3 in-1@0..0 from 0");
    }

    @Test
    void shouldWriteTheLeastRecentlyUpdatedKeysEarlyPastTheByteBudget() {
        CoalescedOutputs sizing = new CoalescedOutputs(Set.of("counts"), 1 << 20);
        sizing.put(out("counts", "k0", "v"), work(IN0, 0), this::write);
        long perKey = sizing.bytes();
        assertThat(perKey).isGreaterThan(CoalescedOutputs.ENTRY_OVERHEAD);
        CoalescedOutputs c = new CoalescedOutputs(Set.of("counts"), 5 * perKey);
        for (int i = 0; i < 5; i++) {
            c.put(out("counts", "k" + i, "v"), work(IN0, i), this::write);
        }
        c.put(out("counts", "k0", "w"), work(IN0, 5), this::write); // k0 becomes the most recently updated
        assertThat(written).isEmpty();
        c.put(out("counts", "k5", "v"), work(IN0, 6), this::write);
        assertThat(written).containsExactly("k1=v in-0@1..1 from 1"); // the eldest, not k0 which was updated since
        assertThat(c.bytes()).isLessThanOrEqualTo(5 * perKey);
        c.drain(this::write);
        assertThat(written).hasSize(6).last().isEqualTo("k5=v in-0@6..6 from 6");
        assertThat(written).contains("k0=w in-0@0..5 from 5");
    }
}
