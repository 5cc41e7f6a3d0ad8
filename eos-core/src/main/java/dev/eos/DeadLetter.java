package dev.eos;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/**
 * The headers eos adds to a record it writes to the dead-letter topic. The record keeps the original key and
 * value bytes and the original headers; these come after them. Numbers are decimal strings in UTF-8.
 */
public final class DeadLetter {

    /** Topic the record was read from. */
    public static final String SOURCE_TOPIC = "eos.dlq.source.topic";
    /** Partition the record was read from. */
    public static final String SOURCE_PARTITION = "eos.dlq.source.partition";
    /** Offset of the record. */
    public static final String SOURCE_OFFSET = "eos.dlq.source.offset";
    /** Class name of the last exception. */
    public static final String EXCEPTION_CLASS = "eos.dlq.exception.class";
    /** Message of the last exception (may be empty). */
    public static final String EXCEPTION_MESSAGE = "eos.dlq.exception.message";
    /** Number of attempts made. */
    public static final String ATTEMPTS = "eos.dlq.attempts";
    /** Time of the first failure, epoch milliseconds. */
    public static final String FIRST_FAILURE_MS = "eos.dlq.first.failure.ms";
    /** Time of the last failure, epoch milliseconds. */
    public static final String LAST_FAILURE_MS = "eos.dlq.last.failure.ms";

    /**
     * Header on every output and dead letter when {@code output.transaction.header=true}: the transaction that
     * wrote the record, {@code <transactional.id>:<producer session>:<sequence>}.
     */
    public static final String TRANSACTION = "eos.txn";

    private DeadLetter() {
    }

    /** The value of a header as a string, or null if the header is absent. */
    public static String header(org.apache.kafka.common.header.Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
