package dev.eos.internals.exec;

import dev.eos.OutputRecord;
import dev.eos.OutputTopic;
import dev.eos.ProcessorContext;
import dev.eos.Provenance;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The {@link ProcessorContext} of one attempt: it serializes each emitted record on the worker thread and keeps
 * it until the attempt ends. The context of {@code init} (no record) cannot emit.
 */
public final class RecordContext implements ProcessorContext {

    private final Map<String, OutputTopic<?, ?>> outputTopics;
    private final String applicationId;
    private final String instanceId;
    /** The record of this attempt, named in error messages; null in init. */
    private final Work source;
    private final long inputTimestamp;
    private final int attempt;
    private final boolean provenance;
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
    private volatile boolean closed;

    private RecordContext(Map<String, OutputTopic<?, ?>> outputTopics, String applicationId, String instanceId,
            Work source, long inputTimestamp, int attempt, boolean open, boolean provenance) {
        this.outputTopics = outputTopics;
        this.applicationId = applicationId;
        this.instanceId = instanceId;
        this.source = source;
        this.inputTimestamp = inputTimestamp;
        this.attempt = attempt;
        this.closed = !open;
        this.provenance = provenance;
    }

    /**
     * The context of one attempt of {@code source}; with {@code provenance}, each output gets the
     * {@link Provenance} headers naming {@code source}.
     */
    public static RecordContext forAttempt(Map<String, OutputTopic<?, ?>> outputTopics, String applicationId,
            String instanceId, Work source, long inputTimestamp, int attempt, boolean provenance) {
        return new RecordContext(outputTopics, applicationId, instanceId, source, inputTimestamp, attempt, true,
                provenance);
    }

    /** The context given to {@code Processor.init}: identity only. */
    public static RecordContext forInit(Map<String, OutputTopic<?, ?>> outputTopics, String applicationId,
            String instanceId) {
        return new RecordContext(outputTopics, applicationId, instanceId, null, -1, 0, false, false);
    }

    @Override
    public <K, V> void emit(OutputRecord<K, V> record) {
        if (closed) {
            throw new IllegalStateException(source == null ? "emit() is not possible in init()"
                    : "emit() called after process() of " + source.coordinates()
                    + " returned: a context is valid only during the call it was given to");
        }
        OutputTopic<K, V> topic = record.topic();
        if (outputTopics.get(topic.name()) != topic) {
            throw new IllegalArgumentException("Output topic '" + topic.name() + "' is not declared on this "
                    + "pipeline; declared: " + outputTopics.keySet());
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
    public List<ProducerRecord<byte[], byte[]>> close() {
        closed = true;
        return records;
    }
}
