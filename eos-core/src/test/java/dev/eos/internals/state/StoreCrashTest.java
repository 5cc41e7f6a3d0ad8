package dev.eos.internals.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A RocksDB store killed with SIGKILL at random points of its folds (a child JVM writing batch after batch, each
 * with its changelog position, the write-ahead log off) holds, when opened again, exactly the fold of the batches
 * before its recorded position: never part of a batch, never a batch past the position. So a restore after a crash
 * may start at the recorded position.
 */
class StoreCrashTest {

    @TempDir
    Path tmp;

    @Test
    void shouldHoldExactlyTheBatchesBeforeItsPositionAfterAKill() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("StoreCrashTest seed=" + seed + " (replay with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        int nonEmpty = 0;
        for (int run = 0; run < 4; run++) {
            Path dir = tmp.resolve("run" + run);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", System.getProperty("java.class.path"), StoreCrashChild.class.getName(),
                    dir.toString(), Long.toString(random.nextLong())).redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                String line = out.readLine();
                assertThat(line).as("the child's first line").isEqualTo("writing");
                Thread.sleep(200 + random.nextInt(2_500));
                child.destroyForcibly(); // SIGKILL
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            RocksResources rocks = RocksResources.acquire(16L * 1024 * 1024);
            try {
                RocksBaseStore store = new RocksBaseStore(dir, rocks);
                try {
                    ChangelogPosition position = store.position();
                    Map<Integer, Long> expected = new HashMap<>();
                    long batches = position == null ? 0 : position.offset();
                    for (long i = 0; i < batches; i++) {
                        for (int k : StoreCrashChild.keysOf(i)) {
                            expected.put(k, i);
                        }
                    }
                    Map<Integer, Long> actual = new HashMap<>();
                    for (int k = 0; k < StoreCrashChild.KEYS; k++) {
                        byte[] v = store.get(StoreCrashChild.key(k));
                        if (v != null) {
                            actual.put(k, ByteBuffer.wrap(v).getLong());
                        }
                    }
                    System.out.println("run " + run + ": position " + batches + ", " + actual.size() + " keys");
                    assertThat(actual).as("the store at position " + batches + " (seed " + seed + ")")
                            .isEqualTo(expected);
                    if (batches > 0) {
                        nonEmpty++;
                    }
                } finally {
                    store.close();
                }
            } finally {
                RocksResources.release();
            }
        }
        assertThat(nonEmpty).as("runs whose store had flushed something before the kill").isPositive();
    }
}
