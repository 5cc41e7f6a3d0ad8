package dev.eos.internals.state;

import dev.eos.KeyValueStore;
import dev.eos.StoreDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stores of one attempt of one record: the {@link AttemptStore}s it opened, and at the end either the writes
 * it made visible ({@link #complete()}) or nothing ({@link #discard()}). The user's thread opens stores while
 * another thread may end the attempt (a timeout, a dropped epoch): both hold its lock, and a store asked for after
 * the end is refused.
 */
public final class AttemptState {

    private final Map<String, StoreDefinition<?, ?>> declared;
    private final EpochStores stores;
    private final String source;
    private final Map<String, AttemptStore<?, ?>> opened = new LinkedHashMap<>(2);
    private boolean ended;

    /**
     * @param declared the pipeline's stores by name
     * @param stores the stores of the record's partition epoch
     * @param source the record's coordinates, for error messages
     */
    public AttemptState(Map<String, StoreDefinition<?, ?>> declared, EpochStores stores, String source) {
        this.declared = declared;
        this.stores = stores;
        this.source = source;
    }

    /** The pipeline's stores by name. */
    public Map<String, StoreDefinition<?, ?>> declared() {
        return declared;
    }

    /** The attempt's view of a declared store (the caller has matched it with its declaration). */
    @SuppressWarnings("unchecked")
    public synchronized <K, V> KeyValueStore<K, V> store(StoreDefinition<K, V> definition) {
        AttemptStore<?, ?> s = opened.get(definition.name());
        if (s == null) {
            if (ended) {
                throw new IllegalStateException("Store '" + definition.name() + "' was asked for after the attempt "
                        + "of " + source + " ended: a store is valid only during the process() call it was given "
                        + "to, or, for an asynchronous processor, until the stage that call returned completes");
            }
            if (!declared.containsKey(definition.name())) {
                throw new IllegalArgumentException("Store '" + definition.name() + "' is not declared on this "
                        + "pipeline; declared: " + declared.keySet());
            }
            EpochStores.Layered layered = stores.get(definition.name());
            s = new AttemptStore<>(definition, layered, source);
            opened.put(definition.name(), s);
        }
        return (KeyValueStore<K, V>) s;
    }

    /**
     * The attempt succeeded: its writes become visible to later records (the overlay) and are returned, or null if
     * it wrote nothing.
     */
    public synchronized StateWrites complete() {
        ended = true;
        List<Write> writes = null;
        for (AttemptStore<?, ?> s : opened.values()) {
            s.close();
            EpochStores.Layered layered = s.layered();
            LocalStore sp = layered.store;
            for (Map.Entry<byte[], byte[]> e : s.writes().entrySet()) {
                if (writes == null) {
                    writes = new ArrayList<>();
                }
                Overlay.Entry entry = layered.overlay.put(e.getKey(), e.getValue());
                writes.add(new Write(sp, layered.overlay, e.getKey(), e.getValue(), entry));
            }
        }
        return writes == null ? null : new StateWrites(writes);
    }

    /** The attempt failed: its writes are dropped. */
    public synchronized void discard() {
        ended = true;
        for (AttemptStore<?, ?> s : opened.values()) {
            s.close();
        }
    }
}
