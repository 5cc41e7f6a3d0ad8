package dev.eos.internals.state;

import java.util.List;

/**
 * The committed entries of one store partition (RocksDB or the heap): written only by the poll thread when a
 * transaction commits and by the restore thread before the partition runs; read by workers at any time.
 */
interface BaseStore {

    /** The committed value of {@code key}, or null. */
    byte[] get(byte[] key);

    /**
     * Applies these writes in order and records {@code position} (if not null), atomically: after a crash the store
     * holds an earlier such batch with its own position, never part of one (a null value deletes).
     */
    void write(List<byte[][]> entries, ChangelogPosition position);

    /** The position recorded with the last write that had one, or null (none, or a store that keeps none). */
    ChangelogPosition position();

    /** A cursor over [from, to] (null bounds are open); deletions never appear. */
    Cursor cursor(byte[] from, byte[] to);

    /** Makes what was written durable (on a clean close: the next open then restores nothing). */
    void flush();

    /** Closes the store; later calls fail with {@link IllegalStateException}. */
    void close();
}
