package dev.eos.internals.failure;

import dev.eos.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the dead-letter copy of a failed input record: its original key, value and headers (as read from the
 * log, not as the processor may have changed them) followed by the {@link DeadLetter} headers.
 */
public final class DeadLetters {

    private DeadLetters() {
    }

    public static ProducerRecord<byte[], byte[]> of(String topic, ConsumerRecord<byte[], byte[]> raw, Exception cause,
            int attempts, long firstFailureMs, long lastFailureMs) {
        Headers h = new RecordHeaders(raw.headers().toArray());
        put(h, DeadLetter.SOURCE_TOPIC, raw.topic());
        put(h, DeadLetter.SOURCE_PARTITION, String.valueOf(raw.partition()));
        put(h, DeadLetter.SOURCE_OFFSET, String.valueOf(raw.offset()));
        put(h, DeadLetter.EXCEPTION_CLASS, cause.getClass().getName());
        put(h, DeadLetter.EXCEPTION_MESSAGE, cause.getMessage() == null ? "" : cause.getMessage());
        put(h, DeadLetter.ATTEMPTS, String.valueOf(attempts));
        long now = System.currentTimeMillis();
        put(h, DeadLetter.FIRST_FAILURE_MS, String.valueOf(firstFailureMs == 0 ? now : firstFailureMs));
        put(h, DeadLetter.LAST_FAILURE_MS, String.valueOf(lastFailureMs == 0 ? now : lastFailureMs));
        return new ProducerRecord<>(topic, null, null, raw.key(), raw.value(), h);
    }

    private static void put(Headers h, String name, String value) {
        h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
