package dev.eos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DispatcherTest {

    /**
     * For random key sequences, with tasks that sometimes ask for a retry: records of one key never run at
     * the same time, and each key's records finish in submission order.
     */
    @Test
    void shouldNeverRunTwoRecordsOfOneKeyAtOnceAndKeepTheirOrder() {
        qt().withExamples(40).forAll(lists().of(integers().between(0, 7)).ofSizeBetween(1, 200))
            .checkAssert(keys -> {
                PartitionTracker t = new PartitionTracker(new TopicPartition("in", 0));
                Set<Integer> running = ConcurrentHashMap.newKeySet();
                AtomicInteger overlaps = new AtomicInteger();
                Map<Integer, List<Long>> finished = new ConcurrentHashMap<>();
                CountDownLatch done = new CountDownLatch(keys.size());
                Map<Long, Integer> keyOf = new HashMap<>();
                Map<Long, AtomicInteger> tries = new ConcurrentHashMap<>();
                Dispatcher d = new Dispatcher("test", 8, w -> {
                    int key = keyOf.get(w.offset());
                    if (!running.add(key)) {
                        overlaps.incrementAndGet();
                    }
                    try {
                        Thread.onSpinWait();
                        // every fifth record fails its first attempt and retries after 1 ms
                        if (w.offset() % 5 == 0 && tries.computeIfAbsent(w.offset(), o -> new AtomicInteger())
                                .incrementAndGet() == 1) {
                            return 1;
                        }
                        finished.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
                                .add(w.offset());
                        done.countDown();
                        return -1;
                    } finally {
                        running.remove(key);
                    }
                });
                try {
                    for (int i = 0; i < keys.size(); i++) {
                        keyOf.put((long) i, keys.get(i));
                    }
                    for (int i = 0; i < keys.size(); i++) {
                        int key = keys.get(i);
                        d.submit(new Work(new ConsumerRecord<>("in", 0, i, new byte[0], new byte[0]), t,
                                java.util.Arrays.asList(t, key)));
                    }
                    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
                    // the last task of a key counts down just before the key is released
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (d.busyKeys() > 0 && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                } finally {
                    d.shutdownNow();
                }
                assertThat(overlaps.get()).as("records of one key ran at the same time").isZero();
                for (Map.Entry<Integer, List<Long>> e : finished.entrySet()) {
                    List<Long> sorted = new ArrayList<>(e.getValue());
                    Collections.sort(sorted);
                    assertThat(e.getValue()).as("order of key " + e.getKey()).containsExactlyElementsOf(sorted);
                }
                assertThat(d.busyKeys()).isZero();
            });
    }

    @Test
    void shouldRunRecordsWithoutAKeyInParallel() throws Exception {
        PartitionTracker t = new PartitionTracker(new TopicPartition("in", 0));
        CountDownLatch allStarted = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        Dispatcher d = new Dispatcher("test", 4, w -> {
            allStarted.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        });
        try {
            for (int i = 0; i < 4; i++) {
                d.submit(new Work(new ConsumerRecord<>("in", 0, i, new byte[0], new byte[0]), t, null));
            }
            assertThat(allStarted.await(10, TimeUnit.SECONDS)).as("4 unordered records run at once").isTrue();
        } finally {
            release.countDown();
            d.shutdownNow();
        }
    }
}
