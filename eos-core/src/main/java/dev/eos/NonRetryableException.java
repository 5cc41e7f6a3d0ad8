package dev.eos;

/**
 * Thrown by a {@link Processor} to say that retrying the record cannot help (bad data, a permanent refusal):
 * the record goes straight to the {@link FailureAction} without further attempts.
 */
public class NonRetryableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure that retrying cannot fix. */
    public NonRetryableException(String message) {
        super(message);
    }

    /** A failure that retrying cannot fix, with its cause. */
    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
