package dev.eos.internals.txn;

import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A wait of the poll or committer thread ended because the pipeline is stopping: a graceful stop during
 * start-up, or a {@code close(timeout)} that ran out. Not a failure; the pipeline ends STOPPED.
 */
public final class StopRequestedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StopRequestedException(String message) {
        super(message, null, false, false);
    }

    /** Whether {@code e} is, or was caused by, a stop: this exception, an interrupt or a consumer's wake-up. */
    public static boolean isStop(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof StopRequestedException || c instanceof InterruptException
                    || c instanceof InterruptedException || c instanceof WakeupException) {
                return true;
            }
        }
        return false;
    }
}
