package dev.eos.internals.txn;

import dev.eos.internals.exec.Work;
import dev.eos.internals.state.TransactionWrites;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A transaction handed to the committer thread: its producer (null for a sink), its offsets, its store writes, the
 * records a sink writes, and the outcome.
 */
final class CommitJob {
    final ProducerSlot slot;
    final String reason;
    final Map<TopicPartition, OffsetAndMetadata> offsets;
    final int records;
    final TransactionWrites state;
    /** The records whose results a sink writes in this transaction; null when outputs go to Kafka. */
    final List<Work> sinkRecords;
    final long startNanos = System.nanoTime();
    private final CountDownLatch done = new CountDownLatch(1);
    /** Every output of the transaction is in the log: outputs of the next one may follow them. */
    volatile boolean flushed;
    volatile Throwable error;

    CommitJob(ProducerSlot slot, String reason, Map<TopicPartition, OffsetAndMetadata> offsets, int records,
            TransactionWrites state, List<Work> sinkRecords) {
        this.slot = slot;
        this.reason = reason;
        this.offsets = offsets;
        this.records = records;
        this.state = state;
        this.sinkRecords = sinkRecords;
    }

    void finish(Throwable outcome) {
        error = outcome;
        done.countDown();
    }

    boolean isDone() {
        return done.getCount() == 0;
    }

    boolean await(long ms) throws InterruptedException {
        return done.await(ms, TimeUnit.MILLISECONDS);
    }
}
