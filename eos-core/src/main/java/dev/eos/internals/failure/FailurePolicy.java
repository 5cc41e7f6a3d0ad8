package dev.eos.internals.failure;

import dev.eos.FailureAction;
import dev.eos.ProcessingException;
import dev.eos.internals.metrics.PipelineMetrics;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code failure.action} to a record that cannot be processed: its last attempt failed, it cannot be
 * deserialized, or the broker rejects its output on its own. Says what the record leaves in the transaction
 * instead of its outputs: a dead letter, nothing (skip), or, for STOP, a {@link ProcessingException} that stops
 * the pipeline.
 */
public final class FailurePolicy {

    private static final Logger log = LoggerFactory.getLogger(FailurePolicy.class);

    private final String app;
    private final FailureAction action;
    private final String deadLetterTopic;
    private final PipelineMetrics metrics;

    public FailurePolicy(String app, FailureAction action, String deadLetterTopic, PipelineMetrics metrics) {
        this.app = app;
        this.action = action;
        this.deadLetterTopic = deadLetterTopic;
        this.metrics = metrics;
    }

    /**
     * The outputs that replace those of a failed record.
     *
     * @throws ProcessingException when the action is STOP, naming the record
     */
    public List<ProducerRecord<byte[], byte[]>> onFailure(ConsumerRecord<byte[], byte[]> raw, Exception cause,
            int attempts, long firstFailureMs, long lastFailureMs) {
        String at = raw.topic() + "-" + raw.partition() + "@" + raw.offset();
        switch (action) {
            case DEAD_LETTER:
                log.warn("[app={}] record {} failed after {} attempt(s), sending it to dead-letter topic {}: {}", app,
                        at, attempts, deadLetterTopic, cause.toString());
                metrics.deadLettered();
                return List.of(DeadLetters.of(deadLetterTopic, raw, cause, attempts, firstFailureMs, lastFailureMs));
            case SKIP:
                log.warn("[app={}] record {} failed after {} attempt(s), skipping it: {}", app, at, attempts,
                        cause.toString());
                metrics.skipped();
                return List.of();
            default:
                throw new ProcessingException("The record failed after " + attempts + " attempt(s): " + cause,
                        raw.topic(), raw.partition(), raw.offset(), cause);
        }
    }
}
