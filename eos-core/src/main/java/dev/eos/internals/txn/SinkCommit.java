package dev.eos.internals.txn;

import dev.eos.TransactionalSink;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The commit of a pipeline whose results go to a {@link TransactionalSink}: the sink writes the job's records and
 * their offsets in one transaction of its own. Nothing goes to a Kafka log, so the next transaction may collect
 * records at once; the group metadata is not used (the sink fences earlier owners itself).
 */
final class SinkCommit implements CommitProtocol {

    private final TransactionalSink sink;

    SinkCommit(TransactionalSink sink) {
        this.sink = sink;
    }

    @Override
    public void commit(CommitJob job, ConsumerGroupMetadata group) throws Exception {
        job.flushed = true;
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        job.offsets.forEach((tp, o) -> next.put(tp, o.offset()));
        sink.commit(job.sinkRecords, next);
    }
}
