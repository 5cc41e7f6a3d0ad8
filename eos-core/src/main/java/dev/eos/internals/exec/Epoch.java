package dev.eos.internals.exec;

/**
 * One ownership epoch of an input partition: from its assignment (or its last reset after an abort) until it
 * is revoked, lost or reset again. Every {@link Work} belongs to one epoch; workers read these flags to learn
 * that the work they are given no longer counts.
 */
public final class Epoch {
    /** False once the partition is being drained (revoke, close) or reset: records that have not started are cancelled. */
    public volatile boolean acceptingNew = true;
    /** True once this epoch is dropped: results of its records are ignored. */
    public volatile boolean discarded;
    /** The partition's stores as this epoch sees them (its own overlays), or null for a stateless pipeline. */
    public volatile dev.eos.internals.state.EpochStores stores;

    /** Whether a record of this epoch that has {@code started} (or not) may still run. */
    public boolean mayRun(boolean started) {
        return !discarded && (acceptingNew || started);
    }
}
