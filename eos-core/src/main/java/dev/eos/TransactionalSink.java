package dev.eos;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/**
 * A system outside Kafka whose own transactions hold a pipeline's results together with the consumed offsets (a
 * relational database): the service interface that sink modules such as {@code eos-jdbc} implement; an application
 * uses such a module, not this interface. A pipeline with a sink has no transactional producer: each commit hands
 * the sink the records completed since the last one and the position after them per partition, and the sink
 * commits both in one transaction of its own; on assignment, and after any failed commit, the positions come from
 * the sink, never from memory. Kafka's committed offsets are written after each sink commit, for lag monitoring
 * only.
 *
 * <p>The sink is declared as an output ({@link OutputTopic#toSink}); the processor emits its results there, and
 * they are handed to {@link #commit} as serialized records, never sent to Kafka. A pipeline with a sink has no
 * other output topic and no state store, since neither could commit in the sink's transaction. Its dead letters
 * ({@code failure.action=DEAD_LETTER}) are addressed to {@link #DEAD_LETTERS} and written by the sink in the same
 * transaction.
 *
 * <p>Threads: {@link #open}, {@link #claim}, {@link #positions} and {@link #close} run on the pipeline's poll
 * thread, {@link #commit} on its committer thread, one commit at a time, in the order the records were taken.
 */
public interface TransactionalSink {

    /** The name dead letters are addressed to in a pipeline with a sink; they go to the sink, not to Kafka. */
    String DEAD_LETTERS = "eos.sink.dead-letters";

    /** What one input record leaves for the sink. */
    interface Record {
        /** The input record as read from the log. */
        ConsumerRecord<byte[], byte[]> input();

        /**
         * Its results, as emitted to the sink's output, in order; or its dead letter (a record to
         * {@link #DEAD_LETTERS} with the {@link DeadLetter} headers); or nothing (skipped).
         */
        List<ProducerRecord<byte[], byte[]>> outputs();
    }

    /**
     * The pipeline starts: the sink learns whose offsets it keeps and may check or create what it needs.
     *
     * @param applicationId the pipeline's {@code application.id}, the owner of the offsets
     * @param failureAction what a record the sink rejects on its own (a constraint violation) becomes
     * @param registry where to register the sink's meters, or null for none
     * @throws Exception to fail the pipeline's start
     */
    void open(String applicationId, FailureAction failureAction, MeterRegistry registry) throws Exception;

    /**
     * Takes ownership of partitions just assigned, so that commits of any earlier owner fail from now on, and
     * returns where each resumes. A partition the sink holds no position for starts at {@code initial}'s answer
     * (Kafka's committed offset, else {@code auto.offset.reset}), which the sink records.
     *
     * @throws RetriableException if the sink cannot be reached: the partitions stay paused and the claim is retried
     */
    Map<TopicPartition, Long> claim(Collection<TopicPartition> partitions, ToLongFunction<TopicPartition> initial)
            throws Exception;

    /**
     * The committed positions of partitions this instance owns, read anew (after a failed commit, whose outcome
     * may be unknown).
     *
     * @throws RetriableException if the sink cannot be reached: the partitions stay paused and the read is retried
     */
    Map<TopicPartition, Long> positions(Collection<TopicPartition> partitions) throws Exception;

    /**
     * Writes the records' results and the offsets in one transaction, or nothing.
     *
     * @param records the records completed since the last commit, in the order they were taken per partition
     * @param nextOffsets the position after the last of them, per partition
     * @throws SinkFencedException if another owner took some of the partitions: nothing was written
     * @throws RetriableException if the transaction failed and may succeed again (nothing written, or unknown):
     *     the pipeline rewinds every partition to {@link #positions} and processes the records again
     * @throws Exception anything else fails the pipeline
     */
    void commit(List<? extends Record> records, Map<TopicPartition, Long> nextOffsets) throws Exception;

    /** The pipeline stopped; called once, after the last commit. */
    default void close() {
    }
}
