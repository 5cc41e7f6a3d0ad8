package dev.eos.internals.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.KeyValueStore;
import dev.eos.StoreDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local state of one instance through the client seam (Kafka's mock consumer for the restore, the mock producer
 * for changelog sends) over real RocksDB: positions that only committed folds move, restores that never strand a
 * partition and keep their progress when cancelled, and the deletion of state no longer owned.
 */
class StateManagerTest {

    private static final StoreDefinition<String, Long> COUNTS =
            StoreDefinition.persistent("counts", Serdes.String(), Serdes.Long());
    private static final Map<String, StoreDefinition<?, ?>> DECLARED = Map.of("counts", COUNTS);
    private static final String CHANGELOG = COUNTS.changelogTopic("app");
    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final TopicPartition IN0 = new TopicPartition("in", 0);
    private static final TopicPartition IN1 = new TopicPartition("in", 1);
    private static final TopicPartition CL0 = new TopicPartition(CHANGELOG, 0);
    private static final TopicPartition CL1 = new TopicPartition(CHANGELOG, 1);

    @TempDir
    Path tmp;

    private final List<StateManager> managers = new ArrayList<>();

    @AfterEach
    void closeManagers() {
        for (StateManager m : managers) {
            m.close(false);
        }
    }

    /** A changelog as the restore consumers see it: committed records by offset, and the end offsets. */
    private static final class Changelog {
        final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = new HashMap<>();
        final Map<TopicPartition, Long> ends = new HashMap<>();

        void put(TopicPartition tp, long offset, String key, Long value) {
            records.computeIfAbsent(tp, k -> new ArrayList<>()).add(new ConsumerRecord<>(tp.topic(), tp.partition(),
                    offset, Serdes.String().serializer().serialize("t", key),
                    value == null ? null : Serdes.Long().serializer().serialize("t", value)));
        }
    }

    /** The read_committed restore consumer: hands out the changelog's records from the position it is seeked to. */
    private static class RestoreConsumer extends MockConsumer<byte[], byte[]> {
        final Changelog log;

        RestoreConsumer(Changelog log) {
            super("earliest");
            this.log = log;
            schedule();
        }

        private void schedule() {
            schedulePollTask(() -> {
                for (TopicPartition tp : assignment()) {
                    for (ConsumerRecord<byte[], byte[]> r : log.records.getOrDefault(tp, List.of())) {
                        if (r.offset() >= position(tp)) {
                            addRecord(r);
                        }
                    }
                }
                schedule();
            });
        }

        @Override
        public synchronized Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> tps) {
            Map<TopicPartition, Long> out = new HashMap<>();
            tps.forEach(tp -> out.put(tp, 0L));
            return out;
        }

        @Override
        public synchronized Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> tps) {
            Map<TopicPartition, Long> out = new HashMap<>();
            tps.forEach(tp -> out.put(tp, log.ends.getOrDefault(tp, 0L)));
            return out;
        }
    }

    private StateManager start(RestoreConsumer committed, Changelog log, long cleanupDelayMs) {
        StateManager m = new StateManager("app", DECLARED,
                Map.of(CHANGELOG, new ChangelogTopics.Changelog(TOPIC_ID, 86_400_000L, 1_048_576)), tmp, 8L * 1024 * 1024,
                cleanupDelayMs);
        managers.add(m);
        m.start(committed, new RestoreConsumer(log));
        return m;
    }

    /** A second instance on a locked state directory fails to start and closes the restore consumers it was given. */
    @Test
    void shouldCloseTheRestoreConsumersWhenTheStateDirectoryIsLocked() {
        Changelog log = new Changelog();
        start(new RestoreConsumer(log), log, 600_000);
        StateManager second = new StateManager("app", DECLARED,
                Map.of(CHANGELOG, new ChangelogTopics.Changelog(TOPIC_ID, 86_400_000L, 1_048_576)), tmp,
                8L * 1024 * 1024, 600_000);
        RestoreConsumer committed = new RestoreConsumer(log);
        RestoreConsumer uncommitted = new RestoreConsumer(log);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> second.start(committed, uncommitted))
                .isInstanceOf(IllegalStateException.class);
        assertThat(committed.closed()).isTrue();
        assertThat(uncommitted.closed()).isTrue();
    }

    private static void awaitRestored(StateManager m, TopicPartition... tps) throws InterruptedException {
        Set<TopicPartition> left = new java.util.HashSet<>(List.of(tps));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            left.removeAll(m.takeRestored());
            Thread.sleep(10);
        }
        assertThat(left).as("partitions still restoring after 20 s (stranded): %s", m.restoring()).isEmpty();
    }

    private static KeyValueStore<String, Long> read(StateManager m, TopicPartition tp) {
        return new AttemptState(DECLARED, m.epochStores(tp), "test").store(COUNTS);
    }

    /** One transaction of the instance: puts these values, sends the changelog records; returns the writes. */
    private static TransactionWrites transaction(StateManager m, TopicPartition tp, MockProducer<byte[], byte[]> p,
            Object... keyValues) {
        AttemptState attempt = new AttemptState(DECLARED, m.epochStores(tp), "test");
        for (int i = 0; i < keyValues.length; i += 2) {
            attempt.store(COUNTS).put((String) keyValues[i], (Long) keyValues[i + 1]);
        }
        TransactionWrites t = new TransactionWrites();
        t.add(attempt.complete());
        t.send(p);
        p.flush();
        return t;
    }

    /** A state manager over {@code log} whose partition in-0 is assigned and restored. */
    private StateManager startWithIn0Restored(Changelog log) throws InterruptedException {
        StateManager m = start(new RestoreConsumer(log), log, 600_000);
        m.assigned(List.of(IN0));
        awaitRestored(m, IN0);
        return m;
    }

    /** The producer the instance sends its changelog records with: acknowledged at the next offset of each. */
    private static MockProducer<byte[], byte[]> changelogProducer() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void othersWrite(MockProducer<byte[], byte[]> p, int records) {
        for (int i = 0; i < records; i++) {
            p.send(new ProducerRecord<>(CHANGELOG, 0, new byte[] {1}, new byte[] {1})); // moves the offsets on
        }
    }

    @Test
    void shouldRestoreFromTheLastCommittedFoldAfterAZombieAppendedPastAnotherOwnersWrites() throws Exception {
        Changelog log = new Changelog();
        StateManager m = startWithIn0Restored(log);
        MockProducer<byte[], byte[]> producer = changelogProducer();

        transaction(m, IN0, producer, "a", 1L).fold(); // committed at changelog offset 0
        log.put(CL0, 0, "a", 1L);
        othersWrite(producer, 5); // another owner took the partition and committed offsets 1..5
        log.put(CL0, 1, "x1", 1L);
        log.put(CL0, 2, "x2", 2L);
        log.put(CL0, 3, "a", 10L);
        log.put(CL0, 4, "b", 20L);
        log.put(CL0, 5, "x5", 5L);
        transaction(m, IN0, producer, "a", 99L); // the zombie appends at offset 6; its transaction aborts
        othersWrite(producer, 3); // the other owner commits 7..9 (a read_committed consumer skips 6)
        log.put(CL0, 7, "x7", 7L);
        log.put(CL0, 8, "c", 30L);
        log.put(CL0, 9, "x9", 9L);
        log.ends.put(CL0, 10L);
        m.close(List.of(IN0), false); // lost

        m.assigned(List.of(IN0)); // and assigned back
        awaitRestored(m, IN0);
        KeyValueStore<String, Long> store = read(m, IN0);
        assertThat(store.get("a")).as("a: the other owner's 10, not the zombie's 99 or the old 1").isEqualTo(10L);
        assertThat(store.get("b")).as("b, written by the other owner at offset 4").isEqualTo(20L);
        assertThat(store.get("c")).isEqualTo(30L);
    }

    @Test
    void shouldRestoreEveryPartitionWhenFindingTheChangelogOffsetsTimesOut() throws Exception {
        Changelog log = new Changelog();
        log.put(CL0, 0, "a", 1L);
        log.put(CL1, 0, "b", 2L);
        log.ends.put(CL0, 1L);
        log.ends.put(CL1, 1L);
        AtomicInteger calls = new AtomicInteger();
        RestoreConsumer flaky = new RestoreConsumer(log) {
            @Override
            public synchronized Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> tps) {
                if (calls.getAndIncrement() == 0) {
                    throw new TimeoutException("Timeout of 60000ms expired before the position could be determined");
                }
                return super.beginningOffsets(tps);
            }
        };
        StateManager m = start(flaky, log, 600_000);
        m.assigned(List.of(IN0, IN1)); // both reach the restore thread in one step
        awaitRestored(m, IN0, IN1);
        assertThat(read(m, IN0).get("a")).isEqualTo(1L);
        assertThat(read(m, IN1).get("b")).isEqualTo(2L);
        assertThat(calls.get()).isGreaterThan(1);
    }

    @Test
    void shouldResumeARestoreCancelledByARebalanceWhereItStopped() throws Exception {
        Changelog log = new Changelog();
        for (int i = 0; i < 5; i++) {
            log.put(CL0, i, "k" + i, (long) i);
        }
        log.ends.put(CL0, 10L); // five more to come: the restore cannot finish yet
        RestoreConsumer consumer = new RestoreConsumer(log);
        StateManager m = start(consumer, log, 600_000);
        m.assigned(List.of(IN0));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (m.restoredRecords() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(m.restoring()).containsEntry(IN0, 5L);
        m.close(List.of(IN0), true); // revoked part way
        log.records.clear(); // what it read is gone from the log's head (as compaction may do): only 5..9 remain
        for (int i = 5; i < 10; i++) {
            log.put(CL0, i, "k" + i, (long) i);
        }

        long before = m.restoredRecords();
        m.assigned(List.of(IN0));
        awaitRestored(m, IN0);
        assertThat(m.restoredRecords() - before).as("records read by the second restore").isEqualTo(5);
        KeyValueStore<String, Long> store = read(m, IN0);
        for (int i = 0; i < 10; i++) {
            assertThat(store.get("k" + i)).as("k" + i).isEqualTo((long) i);
        }
    }

    @Test
    void shouldRestoreNothingAfterACleanCloseAndOnlyTheTailAfterADirtyOne() throws Exception {
        Changelog log = new Changelog();
        StateManager m = startWithIn0Restored(log);
        MockProducer<byte[], byte[]> producer = changelogProducer();
        for (int i = 0; i < 4; i++) {
            transaction(m, IN0, producer, "k" + i, (long) i).fold();
            log.put(CL0, i, "k" + i, (long) i);
        }
        log.ends.put(CL0, 4L);
        m.close(List.of(IN0), true);
        long before = m.restoredRecords();
        m.assigned(List.of(IN0));
        awaitRestored(m, IN0);
        assertThat(m.restoredRecords() - before).as("read after a clean close").isZero();

        log.put(CL0, 4, "k0", 40L); // written by another owner while it was away
        log.ends.put(CL0, 5L);
        m.close(List.of(IN0), false);
        before = m.restoredRecords();
        m.assigned(List.of(IN0));
        awaitRestored(m, IN0);
        assertThat(m.restoredRecords() - before).as("read after a dirty close").isEqualTo(1);
        assertThat(read(m, IN0).get("k0")).isEqualTo(40L);
        assertThat(read(m, IN0).get("k3")).isEqualTo(3L);
    }

    @Test
    void shouldRestoreANewCopyIntoTheStoreItsOpenCreatedWithoutOpeningItAgain() throws Exception {
        Changelog log = new Changelog();
        for (int i = 0; i < 5; i++) {
            log.put(CL0, i, "k" + i, (long) i);
        }
        log.ends.put(CL0, 5L);
        StateManager m = start(new RestoreConsumer(log), log, 600_000);
        m.assigned(List.of(IN0));
        awaitRestored(m, IN0);
        assertThat(m.rocksOpens.get()).as("RocksDB opens for one new store partition").isEqualTo(1);
        assertThat(read(m, IN0).get("k4")).isEqualTo(4L);
        assertThat(m.restoredRecords()).isEqualTo(5);
    }

    @Test
    void shouldRebuildACopyWhosePositionIsOfAnotherChangelogTopic() throws Exception {
        Changelog log = new Changelog();
        log.put(CL0, 0, "a", 1L);
        log.ends.put(CL0, 1L);
        StateManager m = start(new RestoreConsumer(log), log, 600_000);
        m.assigned(List.of(IN0));
        awaitRestored(m, IN0);
        m.close(true);
        managers.clear();

        // the changelog was deleted and created again: same offsets, other records, another topic id
        Changelog recreated = new Changelog();
        recreated.put(CL0, 0, "z", 26L);
        recreated.ends.put(CL0, 1L);
        StateManager again = new StateManager("app", DECLARED,
                Map.of(CHANGELOG, new ChangelogTopics.Changelog(Uuid.randomUuid(), 86_400_000L, 1_048_576)), tmp,
                8L * 1024 * 1024, 600_000);
        managers.add(again);
        again.start(new RestoreConsumer(recreated), new RestoreConsumer(recreated));
        again.assigned(List.of(IN0));
        awaitRestored(again, IN0);
        assertThat(read(again, IN0).get("a")).as("a, of the old topic").isNull();
        assertThat(read(again, IN0).get("z")).isEqualTo(26L);
    }

    @Test
    void shouldDeleteLocalStateOfPartitionsNotOwnedAfterTheCleanupDelay() throws Exception {
        Changelog log = new Changelog();
        StateManager m = start(new RestoreConsumer(log), log, 60_000);
        m.assigned(List.of(IN0, IN1));
        awaitRestored(m, IN0, IN1);
        m.close(List.of(IN1), true);
        Path dir0 = tmp.resolve("app").resolve("counts").resolve("0");
        Path dir1 = tmp.resolve("app").resolve("counts").resolve("1");
        assertThat(dir1).exists();
        long now = System.currentTimeMillis();
        m.cleanUp(now + 30_000);
        assertThat(dir1).as("within the delay").exists();
        m.cleanUp(now + 120_000);
        assertThat(dir1).as("after the delay").doesNotExist();
        assertThat(dir0).as("owned").exists();
        assertThat(Files.exists(dir0.resolve("db"))).isTrue();
    }
}
