package dev.eos;

/** What happens to a record that failed its last attempt (or could not be deserialized, or was rejected). */
public enum FailureAction {
    /**
     * The pipeline stops (state {@link Pipeline.State#FAILED}) with a {@link ProcessingException} naming the
     * record; nothing of the record is committed, and a restarted pipeline processes it again.
     */
    STOP,
    /**
     * The input record (its original key, value and headers) is written to {@code dead.letter.topic} in the
     * same transaction as its offset, with headers that say where it came from and why it failed
     * (see {@link DeadLetter}); processing goes on.
     */
    DEAD_LETTER,
    /** The record is marked consumed with no output and a WARN log line; processing goes on. */
    SKIP
}
