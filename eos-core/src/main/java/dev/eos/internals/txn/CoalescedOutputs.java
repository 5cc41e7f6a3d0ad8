package dev.eos.internals.txn;

import dev.eos.Provenance;
import dev.eos.internals.exec.Work;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The outputs of coalesced topics held by one open transaction: the latest record per (topic, partition, key),
 * written when the transaction commits ({@link #drain}), or earlier when the held bytes pass their budget (the least
 * recently updated first) or when the key's next value comes from another input partition. Each record written is
 * stamped with the input range it covers ({@link Provenance#SOURCE_FIRST_OFFSET} to
 * {@link Provenance#SOURCE_OFFSET}). Poll thread only.
 */
final class CoalescedOutputs {

    /** Rough cost of one held key beside its key, value, headers and input record, in bytes. */
    static final int ENTRY_OVERHEAD = 100;

    /** Where a key's value goes: topic, partition as emitted (null: the partitioner's choice), key bytes. */
    private static final class Slot {
        final String topic;
        final Integer partition;
        final byte[] key;
        final int hash;

        Slot(String topic, Integer partition, byte[] key) {
            this.topic = topic;
            this.partition = partition;
            this.key = key;
            this.hash = (31 * topic.hashCode() + Objects.hashCode(partition)) * 31 + Arrays.hashCode(key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slot s && s.hash == hash && Arrays.equals(s.key, key) && s.topic.equals(topic)
                    && Objects.equals(s.partition, partition);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** The latest record of a slot, the input record it came from, and the first input offset it replaced. */
    private static final class Held {
        final ProducerRecord<byte[], byte[]> record;
        final Work source;
        final long firstOffset;
        final long bytes;

        Held(ProducerRecord<byte[], byte[]> record, Work source, long firstOffset) {
            this.record = record;
            this.source = source;
            this.firstOffset = firstOffset;
            this.bytes = bytes(record) + source.inputBytes; // the input record stays referenced too
        }
    }

    private final Set<String> topics;
    private final long maxBytes;
    /** In order of last update: the eldest is written first when the budget is passed. */
    private final LinkedHashMap<Slot, Held> held = new LinkedHashMap<>();
    private long bytes;
    private long replaced;

    /** @param topics the coalesced output topics; @param maxBytes output.coalesce.max.bytes */
    CoalescedOutputs(Set<String> topics, long maxBytes) {
        this.topics = Set.copyOf(topics);
        this.maxBytes = maxBytes;
    }

    /** Whether {@code out} is held here rather than sent at once: a keyed record of a coalesced topic. */
    boolean holds(ProducerRecord<byte[], byte[]> out) {
        return out.key() != null && topics.contains(out.topic());
    }

    /**
     * Holds {@code out}, the output of {@code source}, in place of the key's earlier value; hands to {@code send}
     * what must be written now: the key's earlier value when it came from another input partition, and the least
     * recently updated keys while the held bytes are over the budget.
     */
    void put(ProducerRecord<byte[], byte[]> out, Work source, BiConsumer<ProducerRecord<byte[], byte[]>, Work> send) {
        Slot slot = new Slot(out.topic(), out.partition(), out.key());
        Held before = held.remove(slot);
        long first = source.offset();
        if (before != null) {
            bytes -= before.bytes;
            if (before.source.tp.equals(source.tp)) {
                first = before.firstOffset;
                replaced++;
            } else {
                send.accept(stamped(before), before.source);
            }
        }
        Held now = new Held(out, source, first);
        held.put(slot, now);
        bytes += now.bytes;
        Iterator<Held> eldest = held.values().iterator();
        while (bytes > maxBytes && held.size() > 1) {
            Held e = eldest.next();
            eldest.remove();
            bytes -= e.bytes;
            send.accept(stamped(e), e.source);
        }
    }

    /** Hands every held record to {@code send}, the least recently updated first, and forgets them. */
    void drain(BiConsumer<ProducerRecord<byte[], byte[]>, Work> send) {
        for (Held h : held.values()) {
            send.accept(stamped(h), h.source);
        }
        held.clear();
        bytes = 0;
    }

    /** Keys held now. */
    int size() {
        return held.size();
    }

    /** Bytes held now. */
    long bytes() {
        return bytes;
    }

    /** Outputs replaced by a later value of their key so far: written never. */
    long replaced() {
        return replaced;
    }

    /** The held record with the provenance of the input range it covers. */
    private static ProducerRecord<byte[], byte[]> stamped(Held h) {
        Headers headers = h.record.headers();
        TopicPartition tp = h.source.tp;
        if (headers.lastHeader(Provenance.SOURCE_OFFSET) == null) {
            headers.add(Provenance.SOURCE_TOPIC, tp.topic().getBytes(StandardCharsets.UTF_8));
            headers.add(Provenance.SOURCE_PARTITION, utf8(tp.partition()));
            headers.add(Provenance.SOURCE_OFFSET, utf8(h.source.offset()));
        }
        headers.remove(Provenance.SOURCE_FIRST_OFFSET);
        headers.add(Provenance.SOURCE_FIRST_OFFSET, utf8(h.firstOffset));
        return h.record;
    }

    private static byte[] utf8(long n) {
        return Long.toString(n).getBytes(StandardCharsets.UTF_8);
    }

    private static long bytes(ProducerRecord<byte[], byte[]> r) {
        long b = ENTRY_OVERHEAD + r.key().length + (r.value() == null ? 0 : r.value().length);
        for (Header h : r.headers()) {
            b += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return b;
    }

    @Override
    public String toString() {
        return "CoalescedOutputs[" + held.size() + " keys, " + bytes + " bytes]";
    }
}
