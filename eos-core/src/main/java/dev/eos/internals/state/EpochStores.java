package dev.eos.internals.state;

import java.util.HashMap;
import java.util.Map;

/**
 * The stores of one input partition as one partition epoch sees them: the shared committed bases, each under an
 * overlay of its own. Work of an old epoch writes only into the old overlays, never into the new epoch's.
 */
public final class EpochStores {

    /** A store partition with this epoch's overlay. */
    static final class Layered {
        final LocalStore store;
        final Overlay overlay = new Overlay();

        Layered(LocalStore store) {
            this.store = store;
        }
    }

    private final Map<String, Layered> stores = new HashMap<>();

    EpochStores(Map<String, LocalStore> partitions) {
        partitions.forEach((name, sp) -> stores.put(name, new Layered(sp)));
    }

    /** The store named {@code name}, or null. */
    Layered get(String name) {
        return stores.get(name);
    }
}
