package dev.eos;

import org.apache.kafka.common.KafkaException;

/**
 * A record could not be processed and {@code failure.action} is {@link FailureAction#STOP}: its key or value
 * could not be deserialized, the {@link Processor} failed its last attempt, or the broker rejected its output.
 * Also, whatever {@code failure.action} says, the processor misused the API while processing it (an undeclared
 * output topic or store, an emit after its attempt ended): a programming error that would fail every record.
 * The open transaction was aborted, so none of its outputs were committed and it was not marked consumed; the
 * pipeline stops. After fixing the cause, a restarted pipeline processes it again.
 */
public class ProcessingException extends KafkaException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int partition;
    private final long offset;

    /** A failure of the record at these coordinates. */
    public ProcessingException(String message, String topic, int partition, long offset, Throwable cause) {
        super(message + " (record " + topic + "-" + partition + "@" + offset + ")", cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /** The input topic of the record. */
    public String topic() {
        return topic;
    }

    /** The input partition of the record. */
    public int partition() {
        return partition;
    }

    /** The offset of the record. */
    public long offset() {
        return offset;
    }
}
