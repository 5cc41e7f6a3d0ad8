package dev.eos;

import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link TransactionalSink} refused a commit because another owner took some of its partitions since this
 * instance claimed them. Nothing of the commit was written. The pipeline drops the work of every partition, takes
 * back a fenced partition only if the consumer still holds it after its next poll, and resumes the others from
 * the positions the sink holds.
 */
public class SinkFencedException extends KafkaException {

    private static final long serialVersionUID = 1L;

    private final transient Set<TopicPartition> partitions;

    /** @param partitions the partitions another owner holds now */
    public SinkFencedException(String message, Set<TopicPartition> partitions) {
        super(message);
        this.partitions = Set.copyOf(partitions);
    }

    /** The partitions another owner holds now. */
    public Set<TopicPartition> partitions() {
        return partitions;
    }
}
