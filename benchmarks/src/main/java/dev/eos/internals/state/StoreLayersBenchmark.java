package dev.eos.internals.state;

import dev.eos.KeyValueStore;
import dev.eos.StoreDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures a store access of one record through the layers a worker goes through: a fresh attempt view, a read
 * (the attempt's own writes, the epoch's overlay, then the committed base) and, for the read-modify-write, the
 * write made visible in the overlay with its changelog record when the attempt completes. Every 1,000 records the
 * completed writes are folded into the base, as a commit does. 100,000 keys are committed in the base beforehand;
 * keys are drawn at random. Reported per record.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar StoreLayersBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreLayersBenchmark {

    private static final int KEYS = 100_000;
    private static final StoreDefinition<String, Long> COUNTS =
            StoreDefinition.persistent("counts", Serdes.String(), Serdes.Long());
    private static final Map<String, StoreDefinition<?, ?>> DECLARED = Map.of("counts", COUNTS);

    @Param({"rocksdb", "memory"})
    public String base;

    private Path dir;
    private RocksResources rocks;
    private LocalStore partition;
    private EpochStores epoch;
    private final List<StateWrites> pending = new ArrayList<>();
    private final String[] keys = new String[KEYS];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        BaseStore store;
        if (base.equals("rocksdb")) {
            dir = Files.createTempDirectory("eos-store-bench-");
            rocks = RocksResources.acquire(64L * 1024 * 1024);
            store = new RocksBaseStore(dir, rocks);
        } else {
            store = new MemoryBaseStore();
        }
        partition = new LocalStore(COUNTS, 0, "bench-counts-changelog", null, store);
        List<byte[][]> initial = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "key-" + i;
            initial.add(new byte[][] {Serdes.String().serializer().serialize("t", keys[i]),
                Serdes.Long().serializer().serialize("t", (long) i)});
        }
        store.write(initial, null);
        epoch = new EpochStores(Map.of("counts", partition));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        partition.base.close();
        if (rocks != null) {
            RocksResources.release();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private String nextKey() {
        next = next * 1_103_515_245 + 12_345;
        return keys[(next >>> 1) % KEYS];
    }

    /** A read of a committed key: attempt view, overlay miss, base hit. */
    @Benchmark
    public Long get() {
        KeyValueStore<String, Long> s = new AttemptState(DECLARED, epoch, "bench").store(COUNTS);
        return s.get(nextKey());
    }

    /** A count: read, write, complete (overlay entry and changelog record); a fold every 1,000 records. */
    @Benchmark
    public StateWrites readModifyWrite() {
        AttemptState attempt = new AttemptState(DECLARED, epoch, "bench");
        KeyValueStore<String, Long> s = attempt.store(COUNTS);
        String key = nextKey();
        Long n = s.get(key);
        s.put(key, n == null ? 1 : n + 1);
        StateWrites w = attempt.complete();
        pending.add(w);
        if (pending.size() == 1_000) {
            TransactionWrites t = new TransactionWrites();
            pending.forEach(t::add);
            t.fold();
            pending.clear();
        }
        return w;
    }
}
