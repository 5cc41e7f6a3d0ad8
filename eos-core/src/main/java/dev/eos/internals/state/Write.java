package dev.eos.internals.state;

/** One completed write: its store, the overlay it is visible in, and the overlay entry it made. */
final class Write {
    final LocalStore store;
    final Overlay overlay;
    final byte[] key;
    final byte[] value;
    final Overlay.Entry entry;
    /** Hash of the store partition and key, computed on the worker that made the write. */
    final int hash;

    Write(LocalStore store, Overlay overlay, byte[] key, byte[] value, Overlay.Entry entry) {
        this.store = store;
        this.overlay = overlay;
        this.key = key;
        this.value = value;
        this.entry = entry;
        this.hash = 31 * System.identityHashCode(store) + java.util.Arrays.hashCode(key);
    }
}
