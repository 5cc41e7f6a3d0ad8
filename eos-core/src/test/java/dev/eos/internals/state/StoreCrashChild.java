package dev.eos.internals.state;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child JVM of {@link StoreCrashTest}: folds batch after batch into a RocksDB store, each with the position
 * after it, flushing now and then, until it is killed. Arguments: the store directory and a seed.
 */
public final class StoreCrashChild {

    static final int KEYS = 1_000;
    static final int KEYS_PER_BATCH = 20;

    private StoreCrashChild() {
    }

    /** The keys batch {@code i} writes, each with the value {@link #value}(i). */
    static int[] keysOf(long i) {
        int[] keys = new int[KEYS_PER_BATCH];
        for (int j = 0; j < KEYS_PER_BATCH; j++) {
            keys[j] = (int) ((i * 7 + j * 53) % KEYS);
        }
        return keys;
    }

    static byte[] key(int k) {
        return ("k" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] value(long i) {
        return ByteBuffer.allocate(512).putLong(i).array();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        Files.createDirectories(dir);
        RocksResources rocks = RocksResources.acquire(16L * 1024 * 1024);
        RocksBaseStore store = new RocksBaseStore(dir, rocks);
        for (long i = 0; ; i++) {
            List<byte[][]> batch = new ArrayList<>(KEYS_PER_BATCH);
            for (int k : keysOf(i)) {
                batch.add(new byte[][] {key(k), value(i)});
            }
            store.write(batch, new ChangelogPosition(i + 1, System.currentTimeMillis(),
                    org.apache.kafka.common.Uuid.ZERO_UUID));
            if (i == 1_000) {
                System.out.println("writing");
                System.out.flush();
            }
            if (random.nextInt(5_000) == 0) {
                store.flush(); // a clean close's flush, part way
            }
        }
    }
}
