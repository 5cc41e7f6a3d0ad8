package dev.eos.internals.state;

import java.util.List;

/**
 * The store writes of one record whose attempt succeeded: visible in the overlays, written to the changelog in the
 * transaction that commits the record's offset ({@link TransactionWrites}), and folded into the committed stores
 * when it commits.
 */
public final class StateWrites {

    final List<Write> writes;
    private final long bytes;

    StateWrites(List<Write> writes) {
        this.writes = writes;
        long n = 0;
        for (Write w : writes) {
            n += w.key.length + (w.value == null ? 0 : w.value.length) + 64;
        }
        this.bytes = n;
    }

    /** Serialized size of the changelog records. */
    public long bytes() {
        return bytes;
    }
}
