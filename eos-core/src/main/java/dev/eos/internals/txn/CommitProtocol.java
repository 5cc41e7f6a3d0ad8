package dev.eos.internals.txn;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;

/**
 * How one transaction's results, store changes and consumed offsets become durable together, on the committer
 * thread, one transaction at a time in the order they began. {@link KafkaTransactionCommit} commits a Kafka
 * transaction; a sink outside Kafka commits its own transaction with the offsets in it.
 */
interface CommitProtocol {

    /**
     * Commits {@code job}: all of it becomes durable, or none of it and this throws. Sets {@link CommitJob#flushed}
     * as soon as the job's outputs are all written, so the next transaction may send behind them; folds the job's
     * store writes into the local stores after the commit succeeded and before it returns.
     *
     * @param group the consumer's group metadata for fencing, or null when the job commits no offsets
     */
    void commit(CommitJob job, ConsumerGroupMetadata group) throws Exception;
}
