package dev.eos.internals.exec;

import dev.eos.KeyValueStore;
import dev.eos.NonRetryableException;
import dev.eos.OutputRecord;
import dev.eos.OutputTopic;
import dev.eos.ProcessorContext;
import dev.eos.Provenance;
import dev.eos.StoreDefinition;
import dev.eos.internals.state.AttemptState;
import dev.eos.internals.state.StateWrites;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The {@link ProcessorContext} of one attempt: it serializes each emitted record on the calling thread (a worker,
 * or whichever thread completes an asynchronous processor's stage) and keeps it until the attempt ends. The
 * context of {@code init} (no record) cannot emit.
 */
public final class RecordContext implements ProcessorContext {

    private static final String VALIDITY = "a context is valid only during the process() call it was given to, "
            + "or, for an asynchronous processor, until the stage that call returned completes";

    private final Map<String, OutputTopic<?, ?>> outputTopics;
    private final String applicationId;
    private final String instanceId;
    /** The record of this attempt, named in error messages; null in init. */
    private final Work source;
    private final long inputTimestamp;
    private final int attempt;
    private final boolean provenance;
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
    /** The stores of this attempt, or null when the pipeline has none (or in init). */
    private final AttemptState state;
    private final PartitionCounts partitionCounts;
    private volatile boolean closed;

    private RecordContext(Map<String, OutputTopic<?, ?>> outputTopics, String applicationId, String instanceId,
            Work source, long inputTimestamp, int attempt, boolean open, boolean provenance, AttemptState state,
            PartitionCounts partitionCounts) {
        this.outputTopics = outputTopics;
        this.applicationId = applicationId;
        this.instanceId = instanceId;
        this.source = source;
        this.inputTimestamp = inputTimestamp;
        this.attempt = attempt;
        this.closed = !open;
        this.provenance = provenance;
        this.state = state;
        this.partitionCounts = partitionCounts;
    }

    /**
     * The context of one attempt of {@code source}; with {@code provenance}, each output gets the
     * {@link Provenance} headers naming {@code source}; {@code state} gives the record's stores (null: none);
     * {@code partitionCounts} checks the partition an emit chooses.
     */
    public static RecordContext forAttempt(Map<String, OutputTopic<?, ?>> outputTopics, String applicationId,
            String instanceId, Work source, long inputTimestamp, int attempt, boolean provenance,
            AttemptState state, PartitionCounts partitionCounts) {
        return new RecordContext(outputTopics, applicationId, instanceId, source, inputTimestamp, attempt, true,
                provenance, state, partitionCounts);
    }

    /** The context given to {@code Processor.init}: identity only. */
    public static RecordContext forInit(Map<String, OutputTopic<?, ?>> outputTopics, String applicationId,
            String instanceId) {
        return new RecordContext(outputTopics, applicationId, instanceId, null, -1, 0, false, false, null,
                PartitionCounts.UNKNOWN);
    }

    @Override
    public synchronized <K, V> void emit(OutputRecord<K, V> record) {
        if (closed) {
            throw new IllegalStateException(source == null ? "emit() is not possible in init()"
                    : "emit() called after the attempt of " + source.coordinates() + " ended: " + VALIDITY);
        }
        OutputTopic<K, V> topic = record.topic();
        if (outputTopics.get(topic.name()) != topic) {
            throw new IllegalArgumentException("Output topic '" + topic.name() + "' is not declared on this "
                    + "pipeline; declared: " + outputTopics.keySet());
        }
        Integer partition = record.partition();
        if (partition != null) {
            int partitions = partitionCounts.of(topic.name());
            if (partitions > 0 && partition >= partitions) {
                throw new NonRetryableException(source.coordinates() + " emitted to partition " + partition
                        + " of output topic '" + topic.name() + "', which has " + partitions + " partitions (0 to "
                        + (partitions - 1) + ")");
            }
        }
        // a copy: the record's headers are completed on the poll thread, and the caller may reuse its own
        Headers given = record.headers();
        Headers h = given == null ? new RecordHeaders() : new RecordHeaders(given.toArray());
        if (provenance) {
            h.add(Provenance.SOURCE_TOPIC, source.raw.topic().getBytes(StandardCharsets.UTF_8));
            h.add(Provenance.SOURCE_PARTITION, Integer.toString(source.raw.partition()).getBytes(StandardCharsets.UTF_8));
            h.add(Provenance.SOURCE_OFFSET, Long.toString(source.raw.offset()).getBytes(StandardCharsets.UTF_8));
        }
        byte[] k = topic.keySerializer().serialize(topic.name(), h, record.key());
        byte[] v = topic.valueSerializer().serialize(topic.name(), h, record.value());
        Long ts = record.timestamp() != null ? record.timestamp() : (inputTimestamp >= 0 ? inputTimestamp : null);
        records.add(new ProducerRecord<>(topic.name(), record.partition(), ts, k, v, h));
    }

    @Override
    public <K, V> KeyValueStore<K, V> store(StoreDefinition<K, V> store) {
        if (source == null) {
            throw new IllegalStateException("store() is not possible in init(): stores belong to a partition");
        }
        if (closed) {
            throw new IllegalStateException("store() called after the attempt of " + source.coordinates()
                    + " ended: " + VALIDITY);
        }
        if (state == null) {
            throw new IllegalArgumentException("Store '" + store.name() + "' is not declared on this pipeline; "
                    + "declared: []");
        }
        return state.store(store);
    }

    /** The attempt succeeded: its store writes become visible and are returned (null: none). */
    public StateWrites completeState() {
        return state == null ? null : state.complete();
    }

    /** The attempt failed: its store writes are dropped. */
    public void discardState() {
        if (state != null) {
            state.discard();
        }
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public String applicationId() {
        return applicationId;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    /** Ends the attempt: later emits fail; returns what was emitted. */
    public synchronized List<ProducerRecord<byte[], byte[]>> close() {
        closed = true;
        return records;
    }
}
