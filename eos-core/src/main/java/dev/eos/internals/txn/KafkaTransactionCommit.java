package dev.eos.internals.txn;

import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit of a Kafka transaction: the changelog records of the job's store writes go in last (the value each key
 * had at the end), the producer is flushed, the offsets are added with the group's metadata (a zombie of an old
 * generation is fenced here), and {@code commitTransaction} runs; a commit that timed out is retried, never
 * answered with an abort (it may have gone through). Only then are the store writes folded into the local stores.
 */
final class KafkaTransactionCommit implements CommitProtocol {

    private static final Logger log = LoggerFactory.getLogger(KafkaTransactionCommit.class);

    private final String app;
    private final BooleanSupplier abandoned;

    /** @param abandoned whether {@code close(timeout)} ran out: retries of a timed-out commit then end */
    KafkaTransactionCommit(String app, BooleanSupplier abandoned) {
        this.app = app;
        this.abandoned = abandoned;
    }

    @Override
    public void commit(CommitJob job, ConsumerGroupMetadata group) {
        Producer<byte[], byte[]> p = job.slot.producer;
        if (!job.state.isEmpty()) {
            job.state.send(p); // the changelog: the last value of each key this transaction wrote
        }
        p.flush();
        job.flushed = true; // from here the next transaction may send
        if (group != null) {
            p.sendOffsetsToTransaction(job.offsets, group);
        }
        commitWithRetry(p);
        job.state.fold(); // before the poll thread sees the job done: aborts and resets wait for it
    }

    private void commitWithRetry(Producer<byte[], byte[]> p) {
        while (true) {
            try {
                p.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (abandoned.getAsBoolean()) {
                    throw new StopRequestedException("close timed out while a commit was being retried");
                }
                log.warn("[app={}] commitTransaction timed out, retrying: {}", app, e.getMessage());
            }
        }
    }
}
