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
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The {@link ProcessorContext} of one attempt: it serializes each emitted record on the calling thread (a worker,
 * or whichever thread completes an asynchronous processor's stage) and keeps it until the attempt ends. The
 * context of {@code init} (no record) cannot emit.
 *
 * <p>A misuse of the API (an undeclared topic or store, an emit after the attempt ended) throws to the caller and
 * is kept: it ends the attempt in a pipeline stop, not a record failure, even if the processor caught it
 * ({@link #misuse()}). A misuse after the attempt ended on its own (a stage the processor did not return) goes
 * to the late-misuse listener; after an attempt that was timed out or cancelled, late calls are expected and only
 * refused.
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
    private final Consumer<RuntimeException> lateMisuse;
    private volatile boolean closed;
    /** The attempt was ended from outside (timeout, dropped partition): the processor may still be running. */
    private volatile boolean abandoned;
    private volatile RuntimeException misuse;

    private RecordContext(Map<String, OutputTopic<?, ?>> outputTopics, String applicationId, String instanceId,
            Work source, long inputTimestamp, int attempt, boolean open, boolean provenance, AttemptState state,
            PartitionCounts partitionCounts, Consumer<RuntimeException> lateMisuse) {
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
        this.lateMisuse = lateMisuse;
    }

    /**
     * The context of one attempt of {@code source}; with {@code provenance}, each output gets the
     * {@link Provenance} headers naming {@code source}; {@code state} gives the record's stores (null: none);
     * {@code partitionCounts} checks the partition an emit chooses; {@code lateMisuse} is told of a misuse after
     * the attempt ended on its own.
     */
    public static RecordContext forAttempt(Map<String, OutputTopic<?, ?>> outputTopics, String applicationId,
            String instanceId, Work source, long inputTimestamp, int attempt, boolean provenance,
            AttemptState state, PartitionCounts partitionCounts, Consumer<RuntimeException> lateMisuse) {
        return new RecordContext(outputTopics, applicationId, instanceId, source, inputTimestamp, attempt, true,
                provenance, state, partitionCounts, lateMisuse);
    }

    /** The context given to {@code Processor.init}: identity only. */
    public static RecordContext forInit(Map<String, OutputTopic<?, ?>> outputTopics, String applicationId,
            String instanceId) {
        return new RecordContext(outputTopics, applicationId, instanceId, null, -1, 0, false, false, null,
                PartitionCounts.UNKNOWN, e -> { });
    }

    @Override
    public synchronized <K, V> void emit(OutputRecord<K, V> record) {
        if (closed) {
            throw misused(new IllegalStateException(source == null ? "emit() is not possible in init()"
                    : "emit() called after the attempt of " + source.coordinates() + " ended: " + VALIDITY));
        }
        OutputTopic<K, V> topic = record.topic();
        try {
            Declared.checkOutput(outputTopics, topic);
        } catch (IllegalArgumentException e) {
            throw misused(e);
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
        byte[] k = serialize(topic, "key", topic.keySerializer(), h, record.key());
        byte[] v = serialize(topic, "value", topic.valueSerializer(), h, record.value());
        Long ts = record.timestamp() != null ? record.timestamp() : (inputTimestamp >= 0 ? inputTimestamp : null);
        records.add(new ProducerRecord<>(topic.name(), record.partition(), ts, k, v, h));
    }

    /** A serializer that throws fails the record at once: the same value would fail the same way on a retry. */
    private <T> byte[] serialize(OutputTopic<?, ?> topic, String what, Serializer<T> serializer, Headers h, T data) {
        try {
            return serializer.serialize(topic.name(), h, data);
        } catch (RuntimeException e) {
            throw new NonRetryableException("Cannot serialize the " + what + " emitted to output topic '"
                    + topic.name() + "' by " + source.coordinates() + " with " + serializer.getClass().getName()
                    + ": " + e, e);
        }
    }

    @Override
    public <K, V> KeyValueStore<K, V> store(StoreDefinition<K, V> store) {
        if (source == null) {
            throw misused(new IllegalStateException("store() is not possible in init(): stores belong to a "
                    + "partition"));
        }
        if (closed) {
            throw misused(new IllegalStateException("store() called after the attempt of " + source.coordinates()
                    + " ended: " + VALIDITY));
        }
        try {
            Declared.checkStore(state == null ? Map.of() : state.declared(), store);
        } catch (IllegalArgumentException e) {
            throw misused(e);
        }
        return state.store(store);
    }

    /**
     * Keeps a misuse of the API: during the attempt, it will end the attempt in a pipeline stop; after an attempt
     * that ended on its own, the late-misuse listener is told at once.
     */
    private synchronized RuntimeException misused(RuntimeException e) {
        if (!closed) {
            if (misuse == null) {
                misuse = e;
            }
        } else if (source != null && !abandoned) {
            lateMisuse.accept(e);
        }
        return e;
    }

    /** The first misuse of the API during the attempt, or null. */
    public RuntimeException misuse() {
        return misuse;
    }

    /** The attempt failed: its store writes are dropped. */
    public void discardState() {
        if (state != null) {
            state.discard();
        }
    }

    /** The attempt succeeded: its store writes become visible and are returned (null: none). */
    public StateWrites completeState() {
        return state == null ? null : state.complete();
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

    /**
     * Ends the attempt: later emits fail; returns what was emitted. {@code abandoned}: it was ended from outside
     * (a timeout, a dropped partition), so the processor may still call in, and that is no misuse.
     */
    public synchronized List<ProducerRecord<byte[], byte[]>> close(boolean abandoned) {
        this.abandoned = abandoned;
        closed = true;
        return records;
    }
}
