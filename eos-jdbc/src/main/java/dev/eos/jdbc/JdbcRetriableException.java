package dev.eos.jdbc;

import org.apache.kafka.common.errors.RetriableException;

/**
 * A database transaction failed in a way that may not happen again (a serialization failure, a deadlock, a lost
 * connection; for a lost COMMIT the outcome is unknown): it was rolled back, and the pipeline rewinds to the
 * positions the offsets table holds and processes the records again.
 */
public class JdbcRetriableException extends RetriableException {

    private static final long serialVersionUID = 1L;

    JdbcRetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
