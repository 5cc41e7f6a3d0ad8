package dev.eos.internals.txn;

import dev.eos.DeadLetter;
import dev.eos.internals.exec.Work;
import dev.eos.internals.state.StateWrites;
import dev.eos.internals.state.TransactionWrites;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction that outputs are sent into: begun on one {@link ProducerSlot}, it sends the outputs of completed
 * records, remembers the position after the last record sent per partition (the offsets it will commit) and the
 * first send failure, and stamps outputs with the transaction header when asked. Outputs of coalesced topics are
 * held in {@link CoalescedOutputs} and written by {@link #sendCoalesced()} before the commit. Suspects of the
 * {@link RejectedOutputProbe} are sent on their own (not held) to learn whether the broker rejects them.
 */
final class OpenTransaction {

    private static final Logger log = LoggerFactory.getLogger(OpenTransaction.class);

    final ProducerSlot slot;
    final long startNanos = System.nanoTime();
    /** The last record sent per partition: the offsets this transaction commits are just after them. */
    private final Map<TopicPartition, Work> lastSent = new LinkedHashMap<>();
    final AtomicReference<Exception> sendError = new AtomicReference<>();
    int records;
    /** The store writes of the records sent: written to the changelog and folded when the transaction commits. */
    final TransactionWrites state = new TransactionWrites();
    private final byte[] tag;
    private final RejectedOutputProbe probe;
    private final String app;
    /** The held outputs of coalesced topics, or null when the pipeline has none. */
    private final CoalescedOutputs coalesced;
    /** For a sink (no producer): the records sent, whose results the sink writes at commit; else null. */
    final List<Work> kept;

    /**
     * Begins a transaction on {@code slot}; {@code tag} is the transaction header's value, or null for none;
     * {@code coalesced} holds the outputs of coalesced topics, or is null. A null {@code slot} keeps the records for
     * a sink instead of sending them.
     */
    OpenTransaction(ProducerSlot slot, String tag, RejectedOutputProbe probe, String app, CoalescedOutputs coalesced) {
        if (slot != null) {
            slot.producer.beginTransaction();
        }
        this.kept = slot == null ? new ArrayList<>() : null;
        this.slot = slot;
        this.coalesced = coalesced;
        this.tag = tag == null ? null : tag.getBytes(StandardCharsets.UTF_8);
        this.probe = probe;
        this.app = app;
    }

    /** Sends the outputs of a completed record; its offset is consumed by this transaction. */
    void send(Work w) {
        if (kept != null) {
            kept.add(w);
        } else {
            Exception suspicion = probe.takeSuspicion(w);
            if (suspicion != null && sendError.get() == null) {
                sendAlone(w, suspicion);
            } else {
                send(w, null);
            }
        }
        StateWrites sw = w.stateWrites;
        if (sw != null) {
            state.add(sw);
        }
        lastSent.put(w.tp, w);
        records++;
    }

    /** The position after the last record sent, per partition. */
    Map<TopicPartition, OffsetAndMetadata> offsets() {
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        lastSent.forEach((tp, w) -> out.put(tp, new OffsetAndMetadata(w.offset() + 1)));
        return out;
    }

    /**
     * Writes the held outputs of coalesced topics (before the commit flushes the producer); returns how many
     * outputs they replaced, which are never written.
     */
    long sendCoalesced() {
        if (coalesced == null) {
            return 0;
        }
        coalesced.drain((out, w) -> sendOne(out, w, null));
        return coalesced.replaced();
    }

    /** Sends the outputs of {@code w}; a suspect's ({@code failure} not null) are sent now, never held. */
    private void send(Work w, AtomicReference<Exception> failure) {
        for (ProducerRecord<byte[], byte[]> out : w.outputs) {
            if (failure == null && coalesced != null && coalesced.holds(out)) {
                coalesced.put(out, w, (early, from) -> sendOne(early, from, null));
            } else {
                sendOne(out, w, failure);
            }
        }
    }

    private void sendOne(ProducerRecord<byte[], byte[]> out, Work w, AtomicReference<Exception> failure) {
        if (failure == null && sendError.get() != null) {
            return; // the transaction will abort: more sends would only wait (max.block.ms each) on what failed
        }
        if (tag != null) {
            out.headers().remove(DeadLetter.TRANSACTION);
            out.headers().add(DeadLetter.TRANSACTION, tag);
        }
        try {
            slot.producer.send(out, (md, e) -> {
                if (e != null) {
                    onSendFailure(w, e, failure);
                }
            });
        } catch (KafkaException e) {
            onSendFailure(w, e, failure);
        }
    }

    private void onSendFailure(Work w, Exception e, AtomicReference<Exception> failure) {
        if (failure != null) {
            failure.compareAndSet(null, e);
        }
        probe.onSendFailure(w, e);
        sendError.compareAndSet(null, e);
    }

    /** Sends a suspect's outputs in a batch of their own, to learn whether the broker rejects them. */
    private void sendAlone(Work w, Exception suspicion) {
        Producer<byte[], byte[]> producer = slot.producer;
        producer.flush();
        if (sendError.get() != null) {
            probe.suspectAgain(w, suspicion); // an earlier record failed: no verdict this time
            send(w, null);
            return;
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        send(w, failure);
        producer.flush();
        Exception e = failure.get();
        if (e != null && RejectedOutputProbe.isRecordSpecific(e)) {
            probe.confirm(w, e);
            log.info("[app={}] output of {} is rejected on its own ({}); it takes the failure action after the "
                    + "abort", app, w.coordinates(), e.toString());
        }
    }

    long ageMs() {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }
}
