package dev.eos.internals.exec;

import dev.eos.TransactionalSink;
import dev.eos.internals.state.StateWrites;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * One input record on its way through the worker pool, from the poll that took it until its outputs are sent.
 * Fields written by a worker are volatile and set before the record is handed back as completed; fields of the
 * poll thread are plain.
 */
public final class Work implements TransactionalSink.Record {
    /** Rough cost of one record beside its key, value and headers, in bytes. */
    static final int RECORD_OVERHEAD = 64;

    public final ConsumerRecord<byte[], byte[]> raw;
    public final TopicPartition tp;
    public final Epoch epoch;
    /** Records with equal keys run one at a time, in submission order; null: no constraint. */
    public final Object orderingKey;
    /** Serialized size of the input record, counted against max.in.flight.bytes until it is sent. */
    public final long inputBytes;

    // worker side (one worker at a time per record)
    public int attempts;
    public long firstFailureMs;
    public long lastFailureMs;
    public volatile boolean started;
    public volatile boolean cancelled;
    /** The record was handed back to the poll thread as completed; nothing may hand it back again. */
    volatile boolean handedBack;
    /** Set by the watchdog when the running attempt passed processing.timeout.ms. */
    volatile boolean timedOut;
    /** Set by the watchdog once the running attempt was reported as slow. */
    volatile boolean warned;
    volatile long attemptStartNanos;
    /** The scheduled retry, while the record waits for one. */
    volatile Future<?> retry;
    /** The attempt of an asynchronous processor, while its stage has not completed. */
    volatile PendingAttempt pending;
    public volatile List<ProducerRecord<byte[], byte[]>> outputs = List.of();
    public volatile long outputBytes;
    public volatile RuntimeException failure;
    /** The store writes of the successful attempt, or null: sent as changelog records with the outputs. */
    public volatile StateWrites stateWrites;

    // poll-thread side
    /** The poll thread has taken the completed result. */
    public boolean completed;
    /** When the poll thread took the record, epoch milliseconds (one clock read per poll). */
    public long takenAtMs;

    public Work(ConsumerRecord<byte[], byte[]> raw, TopicPartition tp, Epoch epoch, Object orderingKey) {
        this.raw = raw;
        this.tp = tp;
        this.epoch = epoch;
        this.orderingKey = orderingKey;
        long bytes = RECORD_OVERHEAD + Math.max(0, raw.serializedKeySize()) + Math.max(0, raw.serializedValueSize());
        for (Header h : raw.headers()) {
            bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        this.inputBytes = bytes;
    }

    @Override
    public ConsumerRecord<byte[], byte[]> input() {
        return raw;
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> outputs() {
        return outputs;
    }

    public long offset() {
        return raw.offset();
    }

    /** Sets the serialized outputs of the record and their size. */
    public void setOutputs(List<ProducerRecord<byte[], byte[]>> records) {
        long bytes = 0;
        for (ProducerRecord<byte[], byte[]> r : records) {
            bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length)
                    + RECORD_OVERHEAD;
        }
        outputBytes = bytes;
        outputs = records;
    }

    /** Sets the store writes of the successful attempt (null: none); they count as output bytes. */
    public void setStateWrites(StateWrites writes) {
        if (writes != null) {
            outputBytes += writes.bytes();
        }
        stateWrites = writes;
    }

    /** {@code topic-partition@offset}. */
    public String coordinates() {
        return tp + "@" + raw.offset();
    }

    @Override
    public String toString() {
        return "Work[" + coordinates() + "]";
    }
}
