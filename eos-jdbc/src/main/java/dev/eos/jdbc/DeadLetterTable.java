package dev.eos.jdbc;

import dev.eos.DeadLetter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The dead-letter table: a record that failed (its last attempt, its deserialization, or a constraint of the
 * database) is written here in the same transaction as its offset, once: its coordinates, key and value bytes,
 * headers, and the cause.
 */
final class DeadLetterTable {

    private final String table;

    DeadLetterTable(String table) {
        this.table = table;
    }

    String name() {
        return table;
    }

    /** The table's DDL (PostgreSQL). */
    String ddl() {
        return "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "  application       VARCHAR(249) NOT NULL,\n"
                + "  source_topic      VARCHAR(249) NOT NULL,\n"
                + "  source_partition  INT          NOT NULL,\n"
                + "  source_offset     BIGINT       NOT NULL,\n"
                + "  record_key        BYTEA,\n"
                + "  record_value      BYTEA,\n"
                + "  headers           TEXT,\n"
                + "  exception_class   TEXT,\n"
                + "  exception_message TEXT,\n"
                + "  attempts          INT,\n"
                + "  failed_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),\n"
                + "  PRIMARY KEY (application, source_topic, source_partition, source_offset))";
    }

    /** The insert of a dead letter made by the pipeline's failure policy (it carries the {@link DeadLetter} headers). */
    Statements insert(String app, ConsumerRecord<byte[], byte[]> input, Headers deadLetterHeaders) {
        String attempts = DeadLetter.header(deadLetterHeaders, DeadLetter.ATTEMPTS);
        return insert(app, input, DeadLetter.header(deadLetterHeaders, DeadLetter.EXCEPTION_CLASS),
                DeadLetter.header(deadLetterHeaders, DeadLetter.EXCEPTION_MESSAGE),
                attempts == null ? 0 : Integer.parseInt(attempts));
    }

    /** The insert of a dead letter for a record the database refused. */
    Statements insert(String app, ConsumerRecord<byte[], byte[]> input, Exception cause) {
        return insert(app, input, cause.getClass().getName(), cause.getMessage(), 1);
    }

    private Statements insert(String app, ConsumerRecord<byte[], byte[]> input, String exceptionClass, String message,
            int attempts) {
        return new Statements().add("INSERT INTO " + table + " (application, source_topic, source_partition, "
                + "source_offset, record_key, record_value, headers, exception_class, exception_message, attempts) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", app, input.topic(), input.partition(), input.offset(),
                input.key(), input.value(), headers(input.headers()), exceptionClass, message, attempts);
    }

    /** The input's own headers, one per line: {@code name=value}, a value that is not UTF-8 as {@code base64:...}. */
    private static String headers(Headers headers) {
        StringBuilder b = new StringBuilder();
        for (Header h : headers) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(h.key()).append('=');
            if (h.value() != null) {
                try {
                    b.append(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(h.value())));
                } catch (CharacterCodingException notText) {
                    b.append("base64:").append(Base64.getEncoder().encodeToString(h.value()));
                }
            }
        }
        return b.length() == 0 ? null : b.toString();
    }
}
