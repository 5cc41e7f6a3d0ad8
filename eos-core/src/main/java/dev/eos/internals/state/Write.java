package dev.eos.internals.state;

/** One completed write: its store, the overlay it is visible in, and the overlay entry it made. */
final class Write {
    final StorePartition store;
    final Overlay overlay;
    final byte[] key;
    final byte[] value;
    final Overlay.Entry entry;

    Write(StorePartition store, Overlay overlay, byte[] key, byte[] value, Overlay.Entry entry) {
        this.store = store;
        this.overlay = overlay;
        this.key = key;
        this.value = value;
        this.entry = entry;
    }
}
