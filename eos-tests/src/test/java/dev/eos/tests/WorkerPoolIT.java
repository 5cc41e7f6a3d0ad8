package dev.eos.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.DeadLetter;
import dev.eos.NonRetryableException;
import dev.eos.Ordering;
import dev.eos.OutputRecord;
import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import dev.eos.examples.MapExample;
import dev.eos.examples.Verifier;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/** The worker pool and the failure paths, in this JVM, against the real local cluster. */
@WithKafkaCluster
class WorkerPoolIT {

    @Test
    void shouldKeepPerKeyOrderWithSixtyFourWorkersAndRecordsFinishingOutOfOrder(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "pool64", 6)) {
            f.produce(20_000);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            AtomicInteger maxConcurrent = new AtomicInteger();
            AtomicInteger running = new AtomicInteger();
            OutputTopic<String, String> out = OutputTopic.of(f.output, Serdes.String(), Serdes.String());
            Pipeline<String, String> p = Pipeline.builder(Serdes.String(), Serdes.String())
                    .bootstrapServers(f.bootstrap()).applicationId(f.app).inputTopics(f.input).outputTopic(out)
                    .ordering(Ordering.KEY).concurrency(64)
                    .config("output.transaction.header", true)
                    .processor((r, ctx) -> {
                        int now = running.incrementAndGet();
                        maxConcurrent.accumulateAndGet(now, Math::max);
                        threads.add(Thread.currentThread().getName());
                        Thread.sleep(ThreadLocalRandom.current().nextInt(3));
                        running.decrementAndGet();
                        ctx.emit(out, r.key(), MapExample.PREFIX + r.value());
                    })
                    .build();
            p.start();
            try {
                f.awaitOutput(Duration.ofMinutes(2));
            } finally {
                p.close(Duration.ofSeconds(30));
            }
            f.verifyExactlyOnceInOrder();
            assertThat(maxConcurrent.get()).as("records ran in parallel, far above the 6 partitions")
                    .isGreaterThan(6);
            assertThat(threads).allMatch(t -> t.startsWith("eos-" + f.app + "-worker-"));
            // every output names the transaction that wrote it
            Map<String, Integer> perTransaction = new HashMap<>();
            for (ConsumerRecord<String, String> r : Verifier.readAll(f.bootstrap(), f.output)) {
                String txn = DeadLetter.header(r.headers(), DeadLetter.TRANSACTION);
                assertThat(txn).as("eos.txn header of " + r.topic() + "-" + r.partition() + "@" + r.offset())
                        .startsWith(f.app + "-");
                perTransaction.merge(txn, 1, Integer::sum);
            }
            System.out.println("pool64: " + perTransaction.size() + " transactions");
            assertThat(perTransaction.size()).isGreaterThan(1);
        }
    }

    /**
     * An asynchronous processor keeps far more records waiting than it has worker threads, while a second
     * instance joins and takes partitions away mid-way (pending stages of revoked partitions are dropped): every
     * record is still output exactly once, in order per key, and failed stages are retried.
     */
    @Test
    void shouldProcessExactlyOnceInOrderWithAnAsyncProcessorAcrossARebalance(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "async", 6)) {
            f.produce(20_000);
            OutputTopic<String, String> out = OutputTopic.of(f.output, Serdes.String(), Serdes.String());
            java.util.concurrent.ScheduledExecutorService remote = java.util.concurrent.Executors
                    .newScheduledThreadPool(2);
            AtomicInteger pending = new AtomicInteger();
            AtomicInteger maxPending = new AtomicInteger();
            AtomicInteger failedStages = new AtomicInteger();
            AtomicInteger[] emitted = {new AtomicInteger(), new AtomicInteger()};
            List<Pipeline<String, String>> instances = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    AtomicInteger mine = emitted[i];
                    Pipeline<String, String> p = Pipeline.builder(Serdes.String(), Serdes.String())
                            .bootstrapServers(f.bootstrap()).applicationId(f.app).instanceId("i" + i)
                            .inputTopics(f.input).outputTopic(out)
                            .ordering(Ordering.KEY).concurrency(2)
                            .config("retry.backoff.ms", 1)
                            .asyncProcessor((r, ctx) -> {
                                maxPending.accumulateAndGet(pending.incrementAndGet(), Math::max);
                                java.util.concurrent.CompletableFuture<Void> call =
                                        new java.util.concurrent.CompletableFuture<>();
                                remote.schedule(() -> {
                                    pending.decrementAndGet();
                                    if (ctx.attempt() == 1 && Long.parseLong(r.value().trim()) % 37 == 0) {
                                        failedStages.incrementAndGet();
                                        call.completeExceptionally(new IllegalStateException("remote call failed"));
                                        return;
                                    }
                                    ctx.emit(out, r.key(), MapExample.PREFIX + r.value());
                                    mine.incrementAndGet();
                                    call.complete(null);
                                }, ThreadLocalRandom.current().nextInt(20), java.util.concurrent.TimeUnit.MILLISECONDS);
                                return call;
                            })
                            .build();
                    instances.add(p);
                    p.start();
                    if (i == 0) {
                        awaitCommitted(f, 3_000);
                    }
                }
                for (int chunk = 0; chunk < 20; chunk++) { // input keeps coming while the second instance joins
                    f.produce(1_000);
                    Thread.sleep(500);
                }
                f.awaitOutput(Duration.ofMinutes(2));
            } finally {
                for (Pipeline<String, String> p : instances) {
                    p.close(Duration.ofSeconds(30));
                }
                remote.shutdownNow();
            }
            f.verifyExactlyOnceInOrder();
            assertThat(maxPending.get()).as("records waiting on their stage at once, with 2 worker threads each")
                    .isGreaterThan(100);
            assertThat(failedStages.get()).as("failed stages were retried").isGreaterThan(0);
            assertThat(emitted[1].get()).as("the second instance took partitions over").isGreaterThan(0);
            for (Pipeline<String, String> p : instances) {
                assertThat(p.state()).isEqualTo(Pipeline.State.STOPPED);
            }
        }
    }

    @Test
    void shouldSendAPoisonRecordToTheDeadLetterTopicWithItsHeadersAndEveryOtherRecordExactlyOnce(
            KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "poison", 3)) {
            String dlq = f.app + "-dlq";
            kafka.createTopics(1, dlq);
            f.produce(3_000);
            String poison = "000001234";
            String hopeless = "000002000";
            OutputTopic<String, String> out = OutputTopic.of(f.output, Serdes.String(), Serdes.String());
            Pipeline<String, String> p = Pipeline.builder(Serdes.String(), Serdes.String())
                    .bootstrapServers(f.bootstrap()).applicationId(f.app).inputTopics(f.input).outputTopic(out)
                    .concurrency(8).deadLetterTopic(dlq)
                    .config("retry.max.attempts", 3).config("retry.backoff.ms", 20)
                    .processor((r, ctx) -> {
                        if (r.value().equals(poison)) {
                            throw new IllegalStateException("cannot handle " + r.value());
                        }
                        if (r.value().equals(hopeless)) {
                            throw new NonRetryableException("never works");
                        }
                        ctx.emit(out, r.key(), MapExample.PREFIX + r.value());
                    })
                    .build();
            p.start();
            try {
                awaitRecords(f.bootstrap(), dlq, 2);
                awaitCommitted(f, 2_998);
            } finally {
                p.close(Duration.ofSeconds(30));
            }
            Verifier.Report report = Verifier.verify(f.bootstrap(), f.input, f.output,
                    v -> v.substring(MapExample.PREFIX.length()));
            assertThat(report.duplicates).isZero();
            assertThat(report.lost).as(report.toString()).isEqualTo(2);
            assertThat(report.output).isEqualTo(2_998);
            List<ConsumerRecord<String, String>> dead = Verifier.readAll(f.bootstrap(), dlq);
            assertThat(dead).hasSize(2);
            Map<String, ConsumerRecord<String, String>> byValue = new HashMap<>();
            dead.forEach(r -> byValue.put(r.value(), r));
            ConsumerRecord<String, String> d = byValue.get(poison);
            assertThat(d).as("the poison record keeps its key and value").isNotNull();
            assertThat(d.key()).isEqualTo("key-" + (1234 % 200));
            assertThat(DeadLetter.header(d.headers(), DeadLetter.SOURCE_TOPIC)).isEqualTo(f.input);
            assertThat(DeadLetter.header(d.headers(), DeadLetter.SOURCE_PARTITION)).isNotNull();
            assertThat(DeadLetter.header(d.headers(), DeadLetter.SOURCE_OFFSET)).isNotNull();
            assertThat(DeadLetter.header(d.headers(), DeadLetter.EXCEPTION_CLASS))
                    .isEqualTo(IllegalStateException.class.getName());
            assertThat(DeadLetter.header(d.headers(), DeadLetter.EXCEPTION_MESSAGE)).contains("cannot handle");
            assertThat(DeadLetter.header(d.headers(), DeadLetter.ATTEMPTS)).isEqualTo("3");
            long first = Long.parseLong(DeadLetter.header(d.headers(), DeadLetter.FIRST_FAILURE_MS));
            long last = Long.parseLong(DeadLetter.header(d.headers(), DeadLetter.LAST_FAILURE_MS));
            assertThat(last).isGreaterThanOrEqualTo(first + 20);
            ConsumerRecord<String, String> h = byValue.get(hopeless);
            assertThat(DeadLetter.header(h.headers(), DeadLetter.ATTEMPTS)).as("no retry").isEqualTo("1");
        }
    }

    @Test
    void shouldDeadLetterRecordsThatCannotBeDeserializedWithoutCallingTheProcessor(KafkaCluster kafka)
            throws Exception {
        try (Fixture f = new Fixture(kafka, "baddata", 1)) {
            String dlq = f.app + "-dlq";
            kafka.createTopics(1, dlq);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    f.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 10; i++) {
                    byte[] value = i == 4 ? new byte[] {1, 2, 3} : Serdes.Integer().serializer().serialize("t", i);
                    producer.send(new ProducerRecord<>(f.input, null, value)).get();
                }
            }
            AtomicInteger calls = new AtomicInteger();
            OutputTopic<String, Integer> out = OutputTopic.of(f.output, Serdes.String(), Serdes.Integer());
            Pipeline<String, Integer> p = Pipeline.builder(Serdes.String(), Serdes.Integer())
                    .bootstrapServers(f.bootstrap()).applicationId(f.app).inputTopics(f.input).outputTopic(out)
                    .deadLetterTopic(dlq)
                    .processor((r, ctx) -> {
                        calls.incrementAndGet();
                        ctx.emit(out, r.key(), r.value() * 10);
                    })
                    .build();
            p.start();
            try {
                awaitRecords(f.bootstrap(), dlq, 1);
                awaitCommitted(f, 9);
            } finally {
                p.close(Duration.ofSeconds(30));
            }
            assertThat(calls.get()).isEqualTo(9);
            List<ConsumerRecord<String, String>> dead = Verifier.readAll(f.bootstrap(), dlq);
            assertThat(dead).hasSize(1);
            assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetter.SOURCE_OFFSET)).isEqualTo("4");
            assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetter.EXCEPTION_CLASS))
                    .isEqualTo(org.apache.kafka.common.errors.SerializationException.class.getName());
        }
    }

    @Test
    void shouldFailOnlyTheRecordWhoseOutputTheBrokerRejects(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "toolarge", 2)) {
            String small = f.app + "-small";
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", f.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(small, 2, kafka.replicationFactor())
                        .configs(Map.of("max.message.bytes", "2000")))).all().get();
            }
            String dlq = f.app + "-dlq";
            kafka.createTopics(1, dlq);
            Thread.sleep(500);
            f.produce(500);
            String big = "000000321";
            OutputTopic<String, String> out = OutputTopic.of(small, Serdes.String(), Serdes.String());
            Pipeline<String, String> p = Pipeline.builder(Serdes.String(), Serdes.String())
                    .bootstrapServers(f.bootstrap()).applicationId(f.app).inputTopics(f.input).outputTopic(out)
                    .deadLetterTopic(dlq)
                    .processor((r, ctx) -> ctx.emit(out, r.key(), r.value().equals(big)
                            ? "x".repeat(5_000) : MapExample.PREFIX + r.value()))
                    .build();
            p.start();
            try {
                awaitRecords(f.bootstrap(), dlq, 1);
                awaitRecords(f.bootstrap(), small, 499);
            } finally {
                p.close(Duration.ofSeconds(30));
            }
            assertThat(p.state()).isEqualTo(Pipeline.State.STOPPED);
            Verifier.Report report = Verifier.verify(f.bootstrap(), f.input, small,
                    v -> v.startsWith(MapExample.PREFIX) ? v.substring(MapExample.PREFIX.length()) : null);
            assertThat(report.duplicates).isZero();
            assertThat(report.output).isEqualTo(499);
            assertThat(report.lost).isEqualTo(1);
            List<ConsumerRecord<String, String>> dead = Verifier.readAll(f.bootstrap(), dlq);
            assertThat(dead).extracting(ConsumerRecord::value).containsExactly(big);
            assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetter.EXCEPTION_CLASS))
                    .isEqualTo(org.apache.kafka.common.errors.RecordTooLargeException.class.getName());
        }
    }

    /**
     * An emit to a partition the output topic does not have fails only its record (dead-lettered, naming the
     * partition) instead of every commit that would send it; the producer's partition count is what decides.
     */
    @Test
    void shouldDeadLetterARecordThatEmitsToAPartitionTheOutputTopicDoesNotHave(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "nopartition", 2)) {
            String dlq = f.app + "-dlq";
            kafka.createTopics(1, dlq);
            f.produce(500);
            String stray = "000000321";
            OutputTopic<String, String> out = OutputTopic.of(f.output, Serdes.String(), Serdes.String());
            Pipeline<String, String> p = Pipeline.builder(Serdes.String(), Serdes.String())
                    .bootstrapServers(f.bootstrap()).applicationId(f.app).inputTopics(f.input).outputTopic(out)
                    .deadLetterTopic(dlq)
                    .processor((r, ctx) -> ctx.emit(OutputRecord.to(out, r.key(), MapExample.PREFIX + r.value())
                            .withPartition(r.value().equals(stray) ? 99 : r.partition())))
                    .build();
            p.start();
            try {
                awaitRecords(f.bootstrap(), dlq, 1);
                awaitCommitted(f, 499);
            } finally {
                p.close(Duration.ofSeconds(30));
            }
            assertThat(p.state()).isEqualTo(Pipeline.State.STOPPED);
            Verifier.Report report = Verifier.verify(f.bootstrap(), f.input, f.output,
                    v -> v.startsWith(MapExample.PREFIX) ? v.substring(MapExample.PREFIX.length()) : null);
            assertThat(report.duplicates).isZero();
            assertThat(report.output).isEqualTo(499);
            List<ConsumerRecord<String, String>> dead = Verifier.readAll(f.bootstrap(), dlq);
            assertThat(dead).extracting(ConsumerRecord::value).containsExactly(stray);
            assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetter.EXCEPTION_MESSAGE))
                    .contains("partition 99").contains("2 partitions");
        }
    }

    /**
     * An output topic deleted while the pipeline runs fails it as soon as a send gives up on the topic
     * (delivery.timeout.ms, or max.block.ms without metadata), with a message naming the topic, instead of aborting
     * and retrying, each time waiting as long, until max.consecutive.aborts.
     */
    @Test
    void shouldFailNamingAnOutputTopicDeletedWhileRunning(KafkaCluster kafka) throws Exception {
        try (Fixture f = new Fixture(kafka, "deleted", 1)) {
            f.produce(100);
            OutputTopic<String, String> out = OutputTopic.of(f.output, Serdes.String(), Serdes.String());
            Pipeline<String, String> p = Pipeline.builder(Serdes.String(), Serdes.String())
                    .bootstrapServers(f.bootstrap()).applicationId(f.app).inputTopics(f.input).outputTopic(out)
                    .config(Map.of("producer.max.block.ms", 3000, "producer.request.timeout.ms", 3000,
                            "producer.delivery.timeout.ms", 8000))
                    .processor((r, ctx) -> ctx.emit(out, r.key(), r.value()))
                    .build();
            p.start();
            try {
                awaitCommitted(f, 100);
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", f.bootstrap()))) {
                    admin.deleteTopics(List.of(f.output)).all().get();
                }
                f.produce(100);
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (p.state() != Pipeline.State.FAILED && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(p.state()).isEqualTo(Pipeline.State.FAILED);
                assertThat(p.failure()).hasMessageContaining(f.output).hasMessageContaining("no longer exist");
            } finally {
                p.close(Duration.ofSeconds(10));
            }
        }
    }

    private static void awaitRecords(String bootstrap, String topic, long n) {
        try (CommittedCounter counter = new CommittedCounter(bootstrap, List.of(topic), v -> v)) {
            long seen = counter.awaitDistinct(n, Duration.ofMinutes(2));
            if (seen < n) {
                throw new AssertionError("only " + seen + " of " + n + " committed records in " + topic
                        + " after 2 minutes");
            }
        }
    }

    private static void awaitCommitted(Fixture f, long n) {
        awaitRecords(f.bootstrap(), f.output, n);
    }
}
