package dev.eos.internals.exec;

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
import java.util.concurrent.atomic.AtomicLong;
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
                TopicPartition tp = new TopicPartition("in", 0);
                Epoch epoch = new Epoch();
                Set<Integer> running = ConcurrentHashMap.newKeySet();
                AtomicInteger overlaps = new AtomicInteger();
                Map<Integer, List<Long>> finished = new ConcurrentHashMap<>();
                CountDownLatch done = new CountDownLatch(keys.size());
                Map<Long, Integer> keyOf = new HashMap<>();
                Map<Long, AtomicInteger> tries = new ConcurrentHashMap<>();
                Dispatcher d = new Dispatcher("test", 8, (w, from) -> {
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
                }, null);
                try {
                    for (int i = 0; i < keys.size(); i++) {
                        keyOf.put((long) i, keys.get(i));
                    }
                    for (int i = 0; i < keys.size(); i++) {
                        int key = keys.get(i);
                        d.submit(new Work(new ConsumerRecord<>("in", 0, i, new byte[0], new byte[0]), tp, epoch,
                                new OrderingKey(tp, new byte[] {(byte) key})));
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

    private static final TopicPartition TP = new TopicPartition("in", 0);

    private static Work work(Epoch epoch, long offset, int key) {
        return new Work(new ConsumerRecord<>("in", 0, offset, new byte[] {(byte) key}, new byte[0]), TP, epoch,
                new OrderingKey(TP, new byte[] {(byte) key}));
    }

    @Test
    void shouldRunRecordsWithoutAKeyInParallel() throws Exception {
        Epoch epoch = new Epoch();
        CountDownLatch allStarted = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        Dispatcher d = new Dispatcher("test", 4, (w, from) -> {
            allStarted.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }, null);
        try {
            for (int i = 0; i < 4; i++) {
                d.submit(new Work(new ConsumerRecord<>("in", 0, i, new byte[0], new byte[0]), TP, epoch, null));
            }
            assertThat(allStarted.await(10, TimeUnit.SECONDS)).as("4 unordered records run at once").isTrue();
        } finally {
            release.countDown();
            d.shutdownNow();
        }
    }

    /**
     * Head-of-line blocking: one record blocks; every record of every other key, submitted in the same batch
     * behind it (a hot key among them), completes while it is blocked.
     */
    @Test
    void shouldCompleteEveryOtherKeyWhileOneRecordIsBlocked() throws Exception {
        Epoch epoch = new Epoch();
        CountDownLatch release = new CountDownLatch(1);
        Set<Long> completed = ConcurrentHashMap.newKeySet();
        Dispatcher d = new Dispatcher("test", 4, (w, from) -> {
            if (w.offset() == 0) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            completed.add(w.offset());
            return -1;
        }, null);
        try {
            List<Work> batch = new ArrayList<>();
            batch.add(work(epoch, 0, 0));
            for (int i = 1; i <= 400; i++) {
                // key 1 is hot (every other record), keys 2..40 share the rest
                batch.add(work(epoch, i, i % 2 == 0 ? 1 : 2 + i % 39));
            }
            d.submitAll(batch);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (completed.size() < 400 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(completed).as("records of other keys completed while offset 0 is blocked")
                    .hasSize(400).doesNotContain(0L);
        } finally {
            release.countDown();
            d.shutdownNow();
        }
    }

    /**
     * Partition epochs: a record taken before a reset is still running when the same key's record of the new
     * epoch is submitted; the new one must not start until the old one returned.
     */
    @Test
    void shouldNeverRunTheSameKeyOfTwoEpochsAtOnce() throws Exception {
        Epoch old = new Epoch();
        Epoch fresh = new Epoch();
        CountDownLatch oldRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        CountDownLatch freshDone = new CountDownLatch(1);
        Dispatcher d = new Dispatcher("test", 4, (w, from) -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                if (w.epoch == old) {
                    oldRunning.countDown();
                    release.await(10, TimeUnit.SECONDS);
                } else {
                    freshDone.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return -1;
        }, null);
        try {
            d.submit(work(old, 5, 7));
            assertThat(oldRunning.await(10, TimeUnit.SECONDS)).isTrue();
            old.discarded = true; // the partition was reset
            d.submit(work(fresh, 5, 7));
            assertThat(freshDone.await(200, TimeUnit.MILLISECONDS)).as("new epoch waits for the old attempt")
                    .isFalse();
            release.countDown();
            assertThat(freshDone.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(overlaps.get()).isZero();
        } finally {
            release.countDown();
            d.shutdownNow();
        }
    }

    /** A record of a dropped epoch that waits for a long retry frees its key at once when expedited. */
    @Test
    void shouldFreeTheKeyOfAnExpeditedRetryAtOnce() throws Exception {
        Epoch old = new Epoch();
        Epoch fresh = new Epoch();
        CountDownLatch freshDone = new CountDownLatch(1);
        AtomicLong oldRuns = new AtomicLong();
        CountDownLatch waitingForRetry = new CountDownLatch(1);
        Dispatcher d = new Dispatcher("test", 2, (w, from) -> {
            if (w.epoch == old) {
                if (!old.mayRun(true)) {
                    return -1; // cancelled
                }
                oldRuns.incrementAndGet();
                waitingForRetry.countDown();
                return 60_000; // a long backoff
            }
            freshDone.countDown();
            return -1;
        }, null);
        try {
            Work stale = work(old, 3, 1);
            d.submit(stale);
            assertThat(waitingForRetry.await(10, TimeUnit.SECONDS)).isTrue();
            d.submit(work(fresh, 3, 1));
            old.discarded = true;
            d.expedite(stale);
            assertThat(freshDone.await(5, TimeUnit.SECONDS)).as("the new epoch's record ran without the backoff")
                    .isTrue();
            assertThat(oldRuns.get()).isEqualTo(1);
        } finally {
            d.shutdownNow();
        }
    }
}
