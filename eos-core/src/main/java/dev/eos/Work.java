package dev.eos;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One input record on its way through the worker pool. Fields written by a worker are volatile and set before
 * the record is queued as completed; fields of the poll thread are plain.
 */
final class Work {
    final ConsumerRecord<byte[], byte[]> raw;
    final TopicPartition tp;
    final PartitionTracker tracker;
    /** Records with equal keys run one at a time, in submission order; null: no constraint. */
    final Object orderingKey;

    // worker side (one worker at a time per record)
    int attempts;
    long firstFailureMs;
    long lastFailureMs;
    volatile boolean started;
    volatile boolean cancelled;
    volatile List<ProducerRecord<byte[], byte[]>> outputs = List.of();
    volatile long outputBytes;
    volatile ProcessingException failure;

    // poll-thread side
    boolean drained;

    Work(ConsumerRecord<byte[], byte[]> raw, PartitionTracker tracker, Object orderingKey) {
        this.raw = raw;
        this.tp = tracker.tp;
        this.tracker = tracker;
        this.orderingKey = orderingKey;
    }

    long offset() {
        return raw.offset();
    }

    void setOutputs(List<ProducerRecord<byte[], byte[]>> records) {
        long bytes = 0;
        for (ProducerRecord<byte[], byte[]> r : records) {
            bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length) + 64;
        }
        outputBytes = bytes;
        outputs = records;
    }

    String coordinates() {
        return tp + "@" + raw.offset();
    }

    @Override
    public String toString() {
        return "Work[" + coordinates() + "]";
    }
}
