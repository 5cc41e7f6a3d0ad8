package dev.eos.internals.txn;

/**
 * A wait of the poll or committer thread ended because the pipeline is stopping: a graceful stop during
 * start-up, or a {@code close(timeout)} that ran out. Not a failure; the pipeline ends STOPPED.
 */
public final class StopRequestedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StopRequestedException(String message) {
        super(message, null, false, false);
    }
}
