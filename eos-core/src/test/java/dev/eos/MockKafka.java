package dev.eos;

import dev.eos.internals.runtime.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's {@link MockConsumer} and {@link MockProducer} behind the pipeline's client seam, with what the tests of
 * the transaction logic need: hooks on commit, a consumer that assigns its partitions on subscribe and calls the
 * revoke callback on close like the real one, and per-partition counts of records returned by polls.
 */
final class MockKafka implements KafkaClients {

    /** Called on the committer thread at each commitTransaction, before the mock commits; may throw. */
    interface CommitHook {
        void onCommit(TestProducer p);
    }

    final TestConsumer consumer;
    final List<TestProducer> producers = new CopyOnWriteArrayList<>();
    volatile CommitHook commitHook = p -> { };
    /** Called at each send; a returned exception fails that send through its callback, as the broker would. */
    volatile java.util.function.Function<TestProducer, RuntimeException> sendFailure = p -> null;
    volatile RuntimeException initFailure;
    volatile Set<String> topics = Set.of("in", "out", "dlq");
    volatile boolean blockTopicListing;

    MockKafka(List<TopicPartition> assignment) {
        consumer = new TestConsumer(assignment);
    }

    @Override
    public Consumer<byte[], byte[]> consumer(Map<String, Object> configs) {
        return consumer;
    }

    @Override
    public Producer<byte[], byte[]> producer(Map<String, Object> configs) {
        TestProducer p = new TestProducer((String) configs.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
        producers.add(p);
        // one client metric per producer, named after its place in the list, for the metrics binding tests
        String clientId = "mock-producer-" + producers.size();
        org.apache.kafka.common.MetricName name = new org.apache.kafka.common.MetricName("record-send-total",
                "producer-metrics", "", Map.of("client-id", clientId));
        p.setMockMetrics(name, new org.apache.kafka.common.Metric() {
            @Override
            public org.apache.kafka.common.MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return (double) p.history().size();
            }
        });
        return p;
    }

    @Override
    public Set<String> topicNames(Map<String, Object> adminConfigs, Duration timeout, BooleanSupplier stopRequested) {
        while (blockTopicListing) {
            if (stopRequested.getAsBoolean()) {
                return null;
            }
            sleep(5);
        }
        return topics;
    }

    /** Every offset committed by any producer, the last per partition. */
    Map<TopicPartition, Long> committedOffsets() {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TestProducer p : producers) {
            for (Map<String, Map<TopicPartition, OffsetAndMetadata>> commit : p.consumerGroupOffsetsHistory()) {
                commit.values().forEach(m -> m.forEach((tp, o) -> out.merge(tp, o.offset(), Math::max)));
            }
        }
        return out;
    }

    long commits() {
        return producers.stream().mapToLong(MockProducer::commitCount).sum();
    }

    List<String> committedValues() {
        List<String> out = new ArrayList<>();
        for (TestProducer p : producers) {
            p.history().forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** Waits up to 20 s for {@code condition}, else fails naming {@code what}. */
    static void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            sleep(2);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A transactional mock producer whose commits go through {@link #commitHook}. */
    final class TestProducer extends MockProducer<byte[], byte[]> {
        final String transactionalId;
        final AtomicLong commitCalls = new AtomicLong();
        volatile boolean abortCalled;

        TestProducer(String transactionalId) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.transactionalId = transactionalId;
        }

        @Override
        public void initTransactions() {
            RuntimeException e = initFailure;
            if (e != null) {
                sleep(20);
                throw e;
            }
            super.initTransactions();
        }

        @Override
        public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record,
                org.apache.kafka.clients.producer.Callback callback) {
            RuntimeException e = sendFailure.apply(this);
            if (e == null) {
                return super.send(record, callback);
            }
            if (callback != null) {
                callback.onCompletion(null, e);
            }
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }

        @Override
        public void commitTransaction() {
            commitCalls.incrementAndGet();
            commitHook.onCommit(this);
            super.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            abortCalled = true;
            super.abortTransaction();
        }
    }

    /** A mock consumer that assigns its partitions on subscribe and revokes them on close, like the real one. */
    static final class TestConsumer extends MockConsumer<byte[], byte[]> {
        private final List<TopicPartition> assignment;
        private volatile ConsumerRebalanceListener listener;
        final Map<TopicPartition, AtomicLong> taken = new ConcurrentHashMap<>();
        volatile boolean revokedOnClose;

        TestConsumer(List<TopicPartition> assignment) {
            super("earliest");
            this.assignment = assignment;
            Map<TopicPartition, Long> beginning = new HashMap<>();
            assignment.forEach(tp -> beginning.put(tp, 0L));
            updateBeginningOffsets(beginning);
        }

        @Override
        public void subscribe(Collection<String> topics, ConsumerRebalanceListener l) {
            super.subscribe(topics, l);
            listener = l;
            schedulePollTask(() -> rebalance(assignment));
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecords<byte[], byte[]> r = super.poll(timeout);
            if (r.isEmpty()) {
                sleep(Math.min(2, timeout.toMillis())); // the mock returns at once; a real poll waits
            }
            for (TopicPartition tp : r.partitions()) {
                taken.computeIfAbsent(tp, t -> new AtomicLong()).addAndGet(r.records(tp).size());
            }
            return r;
        }

        @Override
        public void close(CloseOptions options) {
            ConsumerRebalanceListener l = listener;
            Set<TopicPartition> owned = assignment();
            if (l != null && !owned.isEmpty()) {
                revokedOnClose = true;
                l.onPartitionsRevoked(owned);
            }
            super.close(options);
        }

        long taken(TopicPartition tp) {
            AtomicLong n = taken.get(tp);
            return n == null ? 0 : n.get();
        }

        void add(TopicPartition tp, long offset, String key, String value) {
            addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset,
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
