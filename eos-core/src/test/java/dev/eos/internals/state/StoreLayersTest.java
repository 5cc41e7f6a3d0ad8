package dev.eos.internals.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.eos.KeyValue;
import dev.eos.KeyValueIterator;
import dev.eos.KeyValueStore;
import dev.eos.NonRetryableException;
import dev.eos.StoreDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layers of a store (committed base, committing and open transactions, the attempt's own writes) against a
 * TreeMap model, for random sequences of writes, failed attempts, commits, failed commits and aborts, over the heap
 * and over RocksDB: nothing of an aborted transaction is visible afterwards, and reads see earlier writes.
 */
class StoreLayersTest {

    private static final StoreDefinition<String, Integer> STORE =
            StoreDefinition.inMemory("s", Serdes.String(), Serdes.Integer());
    private static final Map<String, StoreDefinition<?, ?>> DECLARED = Map.of("s", STORE);
    private static final StoreDefinition<String, String> STORE_OF_STRINGS =
            StoreDefinition.inMemory("t", Serdes.String(), Serdes.String());

    @TempDir
    Path tmp;

    @Test
    void heapStoreLayersMatchTheModel() {
        qt().withExamples(300).forAll(lists().of(integers().between(0, 999)).ofSizeBetween(1, 120))
                .checkAssert(ops -> new Run(MemoryBaseStore::new).play(ops));
    }

    @Test
    void rocksDbStoreLayersMatchTheModel() {
        RocksResources rocks = RocksResources.acquire(8L * 1024 * 1024);
        try {
            int[] n = {0};
            qt().withExamples(60).forAll(lists().of(integers().between(0, 999)).ofSizeBetween(1, 120))
                    .checkAssert(ops -> {
                        Path dir = tmp.resolve("db" + n[0]++);
                        new Run(() -> {
                            try {
                                Files.createDirectories(dir);
                                return new RocksBaseStore(dir, rocks);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }).play(ops);
                    });
        } finally {
            RocksResources.release();
        }
    }

    @Test
    void anUndeserializableValueFailsTheRecordWithoutRetry() {
        LocalStore sp = new LocalStore(STORE, 0, "app-s-changelog", null, new MemoryBaseStore());
        sp.base.write(List.<byte[][]>of(new byte[][] {Serdes.String().serializer().serialize("t", "k"), new byte[] {1}}),
                null);
        EpochStores stores = new EpochStores(Map.of("s", sp));
        KeyValueStore<String, Integer> s = new AttemptState(DECLARED, stores, "in-0@7").store(STORE);
        assertThatThrownBy(() -> s.get("k")).isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("store 's'").hasMessageContaining("key k").hasMessageContaining("in-0@7");
    }

    /**
     * A store value whose changelog record would exceed what the changelog accepts (the smaller of its
     * max.message.bytes and the producer's max.request.size) fails the record that writes it, naming store, key and
     * record, instead of failing every commit that would send it.
     */
    @Test
    void aValueLargerThanTheChangelogAcceptsFailsTheRecordThatWritesIt() {
        LocalStore sp = new LocalStore(STORE_OF_STRINGS, 0, "app-t-changelog", null, new MemoryBaseStore(), 2_000);
        AttemptState a = new AttemptState(Map.of("t", STORE_OF_STRINGS), new EpochStores(Map.of("t", sp)), "in-0@7");
        KeyValueStore<String, String> s = a.store(STORE_OF_STRINGS);
        s.put("small", "x".repeat(1_000));
        assertThatThrownBy(() -> s.put("big", "x".repeat(5_000))).isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("store 't'").hasMessageContaining("key big").hasMessageContaining("in-0@7")
                .hasMessageContaining("2000");
        assertThatThrownBy(() -> s.putIfAbsent("big2", "x".repeat(5_000))).isInstanceOf(NonRetryableException.class);
        assertThat(s.get("big")).isNull();
        assertThat(s.get("small")).hasSize(1_000);
    }

    @Test
    void aStoreNotDeclaredIsRefusedWithTheDeclaredNames() {
        LocalStore sp = new LocalStore(STORE, 0, "app-s-changelog", null, new MemoryBaseStore());
        AttemptState state = new AttemptState(DECLARED, new EpochStores(Map.of("s", sp)), "in-0@1");
        StoreDefinition<String, Integer> other = StoreDefinition.inMemory("t", Serdes.String(), Serdes.Integer());
        assertThatThrownBy(() -> state.store(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[s]");
    }

    @Test
    void aScanKeepsSeeingEntriesFoldedWhileItIsOpen() {
        LocalStore sp = new LocalStore(STORE, 0, "app-s-changelog", null, new MemoryBaseStore());
        EpochStores stores = new EpochStores(Map.of("s", sp));
        AttemptState writer = new AttemptState(DECLARED, stores, "in-0@1");
        writer.store(STORE).put("a", 1);
        writer.store(STORE).put("b", 2);
        StateWrites w = writer.complete();
        AttemptState reader = new AttemptState(DECLARED, stores, "in-0@2");
        KeyValueIterator<String, Integer> it = reader.store(STORE).all();
        assertThat(it.next()).isEqualTo(new KeyValue<>("a", 1));
        fold(sp, w);
        assertThat(it.next()).isEqualTo(new KeyValue<>("b", 2));
        assertThat(it.hasNext()).isFalse();
        it.close();
        assertThat(stores.get("s").overlay.size()).isEqualTo(2); // kept while the scan was open
        fold(sp, writeOne(stores, "c", 3));
        assertThat(stores.get("s").overlay.size()).isZero(); // released by the next fold
    }

    /**
     * With a scan open at every moment (KEY order with workers that scan, or async stages holding an iterator over a
     * remote call), the overlay still releases what was folded before the oldest open scan began: over 100,000
     * records of 1,000 keys it stays within the writes of the few folds a scan overlaps, instead of keeping every
     * key ever written.
     */
    @Test
    void theOverlayStaysBoundedWhileScansAlwaysOverlapFolds() {
        LocalStore sp = new LocalStore(STORE, 0, "app-s-changelog", null, new MemoryBaseStore());
        EpochStores stores = new EpochStores(Map.of("s", sp));
        KeyValueIterator<String, Integer> previous = new AttemptState(DECLARED, stores, "scan").store(STORE).all();
        int maxOverlay = 0;
        for (int i = 0; i < 100_000; i++) {
            KeyValueIterator<String, Integer> scan = new AttemptState(DECLARED, stores, "scan").store(STORE).all();
            previous.close(); // the scans overlap: one is always open
            previous = scan;
            fold(sp, writeOne(stores, "k" + (i % 50_000), i));
            maxOverlay = Math.max(maxOverlay, stores.get("s").overlay.size());
        }
        previous.close();
        assertThat(maxOverlay).as("overlay entries kept while scans overlap folds").isLessThanOrEqualTo(3);
    }

    private static StateWrites writeOne(EpochStores stores, String k, int v) {
        AttemptState a = new AttemptState(DECLARED, stores, "x");
        a.store(STORE).put(k, v);
        return a.complete();
    }

    private static void fold(LocalStore sp, StateWrites... committed) {
        TransactionWrites t = new TransactionWrites();
        for (StateWrites sw : committed) {
            t.add(sw);
        }
        t.fold();
    }

    /** One random run: the store under test beside the model. */
    private static final class Run {
        private final LocalStore sp;
        private EpochStores epoch;
        private final TreeMap<String, Integer> committed = new TreeMap<>();
        /** Transactions as (key, value or null) writes in order. */
        private List<Object[]> committingModel;
        private List<Object[]> openModel = new ArrayList<>();
        private List<StateWrites> committingWrites;
        private List<StateWrites> openWrites = new ArrayList<>();

        Run(Supplier<BaseStore> base) {
            this.sp = new LocalStore(STORE, 0, "app-s-changelog", null, base.get());
            this.epoch = new EpochStores(Map.of("s", sp));
        }

        void play(List<Integer> ops) {
            try {
                for (int op : ops) {
                    step(op / 100, "k" + (op / 10 % 10), op % 10);
                    check();
                }
                abort(); // like a crash: only what committed is left
                check();
                assertThat(view(new TreeMap<>(committed), List.of())).isEqualTo(committed);
            } finally {
                sp.base.close();
            }
        }

        private void step(int kind, String key, int value) {
            switch (kind) {
                case 0, 1, 2 -> { // a record writes and succeeds
                    AttemptState a = attempt();
                    KeyValueStore<String, Integer> s = a.store(STORE);
                    Integer before = s.get(key);
                    Integer after = value == 0 ? null : (before == null ? 0 : before) + value;
                    if (after == null) {
                        s.delete(key);
                    } else {
                        s.put(key, after);
                    }
                    assertThat(s.get(key)).isEqualTo(after); // the attempt reads its own write
                    record(a.complete(), key, after);
                }
                case 3 -> { // a failed attempt: its writes vanish
                    AttemptState a = attempt();
                    a.store(STORE).put(key, -value);
                    a.discard();
                }
                case 4 -> { // putIfAbsent
                    AttemptState a = attempt();
                    Integer had = a.store(STORE).putIfAbsent(key, 100 + value);
                    assertThat(had).isEqualTo(visible().get(key));
                    record(a.complete(), key, had == null ? Integer.valueOf(100 + value) : had);
                }
                case 5 -> { // the open transaction starts committing
                    if (committingModel == null) {
                        committingModel = openModel;
                        committingWrites = openWrites;
                        openModel = new ArrayList<>();
                        openWrites = new ArrayList<>();
                    }
                }
                case 6 -> commitSucceeds();
                case 7 -> { // the commit fails: it and the open transaction abort, a new epoch starts
                    committingModel = null;
                    committingWrites = null;
                    openModel = new ArrayList<>();
                    openWrites = new ArrayList<>();
                    epoch = new EpochStores(Map.of("s", sp));
                }
                case 8 -> abort();
                default -> { // a scan
                    try (KeyValueIterator<String, Integer> it = attempt().store(STORE).range("k" + (value / 2), null)) {
                        TreeMap<String, Integer> seen = new TreeMap<>();
                        it.forEachRemaining(kv -> seen.put(kv.key(), kv.value()));
                        assertThat(seen).isEqualTo(visible().tailMap("k" + (value / 2), true));
                    }
                }
            }
        }

        private void commitSucceeds() {
            if (committingModel == null) {
                return;
            }
            fold(sp, committingWrites.toArray(new StateWrites[0]));
            for (Object[] w : committingModel) {
                apply(committed, w);
            }
            committingModel = null;
            committingWrites = null;
        }

        /** The running commit finishes, then the open transaction aborts: a new epoch starts. */
        private void abort() {
            commitSucceeds();
            openModel = new ArrayList<>();
            openWrites = new ArrayList<>();
            epoch = new EpochStores(Map.of("s", sp));
        }

        private AttemptState attempt() {
            return new AttemptState(DECLARED, epoch, "in-0@1");
        }

        private void record(StateWrites sw, String key, Integer value) {
            openModel.add(new Object[] {key, value});
            if (sw != null) {
                openWrites.add(sw);
            }
        }

        private TreeMap<String, Integer> visible() {
            List<Object[]> pending = new ArrayList<>();
            if (committingModel != null) {
                pending.addAll(committingModel);
            }
            pending.addAll(openModel);
            return view(new TreeMap<>(committed), pending);
        }

        private static TreeMap<String, Integer> view(TreeMap<String, Integer> base, List<Object[]> writes) {
            for (Object[] w : writes) {
                apply(base, w);
            }
            return base;
        }

        private static void apply(TreeMap<String, Integer> m, Object[] w) {
            if (w[1] == null) {
                m.remove((String) w[0]);
            } else {
                m.put((String) w[0], (Integer) w[1]);
            }
        }

        private void check() {
            TreeMap<String, Integer> expected = visible();
            KeyValueStore<String, Integer> s = attempt().store(STORE);
            for (int k = 0; k < 10; k++) {
                assertThat(s.get("k" + k)).as("k" + k).isEqualTo(expected.get("k" + k));
            }
            TreeMap<String, Integer> all = new TreeMap<>();
            try (KeyValueIterator<String, Integer> it = s.all()) {
                it.forEachRemaining(kv -> all.put(kv.key(), kv.value()));
            }
            assertThat(all).isEqualTo(expected);
            TreeMap<String, Integer> base = new TreeMap<>();
            try (Cursor c = sp.base.cursor(null, null)) {
                for (; c.valid(); c.next()) {
                    base.put(Serdes.String().deserializer().deserialize("t", c.key()),
                            Serdes.Integer().deserializer().deserialize("t", c.value()));
                }
            }
            assertThat(base).as("committed base").isEqualTo(committed);
        }
    }
}
