package dev.eos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.MockKafka.TestProducer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transaction logic against Kafka's MockConsumer and MockProducer: the failure paths that brokers rarely
 * produce on demand (a commit failing while the next transaction is open, fencing, commit timeouts, revoke
 * during a running commit, lost partitions), clean close, stops during start-up, and back-pressure.
 */
class PipelineTransactionsTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);
    private static final OutputTopic<String, String> OUT = OutputTopic.of("out", Serdes.String(), Serdes.String());

    private final MockKafka kafka = new MockKafka(List.of(P0, P1));
    private final List<Pipeline.State> states = new CopyOnWriteArrayList<>();
    private Pipeline<String, String> pipeline;

    private Pipeline.Builder<String, String> builder(Processor<String, String> processor) {
        return Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers("mock:9092").applicationId("app").instanceId("i1")
                .inputTopics("in").outputTopic(OUT)
                .concurrency(2)
                .config("commit.eager", false)
                .config("commit.interval.ms", 50)
                .config("drain.timeout.ms", 1000)
                .config("retry.backoff.ms", 0)
                .stateListener((n, o) -> states.add(n))
                .processor(processor)
                .clients(kafka);
    }

    private static Processor<String, String> upper() {
        return (r, c) -> c.emit(OUT, r.key(), r.value().toUpperCase());
    }

    private void start(Pipeline.Builder<String, String> b) {
        pipeline = b.build();
        pipeline.start();
        await("running with partitions assigned", () -> pipeline.state() == Pipeline.State.RUNNING
                && kafka.consumer.assignment().size() == 2);
    }

    @AfterEach
    void closePipeline() {
        if (pipeline != null) {
            pipeline.close(Duration.ofSeconds(10));
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        MockKafka.await(what, condition);
    }

    private void feed(TopicPartition tp, int from, int to) {
        for (int i = from; i < to; i++) {
            kafka.consumer.add(tp, i, "k" + (i % 7), "v" + i);
        }
    }

    @Test
    void shouldCommitOutputsWithTheirOffsets() {
        start(builder(upper()));
        feed(P0, 0, 20);
        feed(P1, 0, 5);
        await("offsets committed", () -> Map.of(P0, 20L, P1, 5L).equals(kafka.committedOffsets()));
        assertThat(kafka.committedValues()).hasSize(25).contains("V0", "V19");
        assertThat(kafka.producers).extracting(p -> p.transactionalId).containsExactly("app-i1-0", "app-i1-1");
    }

    @Test
    void shouldAbortTheTransactionOpenedBehindACommitThatFails() {
        CountDownLatch commitStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        kafka.commitHook = p -> {
            if (p.transactionalId.endsWith("-0") && p.commitCalls.get() == 1) {
                commitStarted.countDown();
                awaitLatch(release);
                throw new KafkaException("an abortable error");
            }
        };
        start(builder(upper()));
        feed(P0, 0, 10);
        awaitLatch(commitStarted);
        TestProducer first = kafka.producers.get(0);
        TestProducer second = kafka.producers.get(1);
        feed(P0, 10, 20); // sent into the other producer's transaction while the first commits
        await("the next transaction is open", second::transactionInFlight);
        release.countDown();
        await("both aborted", () -> first.transactionAborted() && second.transactionAborted());
        assertThat(kafka.committedOffsets()).isEmpty();
        assertThat(kafka.committedValues()).isEmpty();
        feed(P0, 20, 25); // the consumer was sought back to 0; the mock hands out what is added from there
        await("later input commits", () -> Long.valueOf(25).equals(kafka.committedOffsets().get(P0)));
        assertThat(pipeline.state()).isEqualTo(Pipeline.State.RUNNING);
    }

    /**
     * While a commit runs (here it hangs), the open transaction takes at most commit.max.records records; the rest
     * wait in flight, where max.in.flight.records pauses their partitions, instead of the open transaction growing
     * until the producer's buffer.memory blocks the poll thread.
     */
    @Test
    void shouldBoundTheOpenTransactionWhileACommitRuns() {
        CountDownLatch commitStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        kafka.commitHook = p -> {
            if (p.transactionalId.endsWith("-0") && p.commitCalls.get() == 1) {
                commitStarted.countDown();
                awaitLatch(release);
            }
        };
        start(builder(upper()).config("commit.max.records", 20));
        feed(P0, 0, 10);
        awaitLatch(commitStarted);
        TestProducer second = kafka.producers.get(1);
        feed(P0, 10, 210);
        feed(P1, 0, 200);
        await("the next transaction is open", second::transactionInFlight);
        MockKafka.sleep(500);
        int sent = second.uncommittedRecords().size();
        release.countDown();
        assertThat(sent).as("outputs sent into the open transaction while the commit ran").isEqualTo(20);
        await("everything commits after", () -> Long.valueOf(210).equals(kafka.committedOffsets().get(P0))
                && Long.valueOf(200).equals(kafka.committedOffsets().get(P1)));
        assertThat(kafka.committedValues()).hasSize(410);
    }

    @Test
    void shouldReplaceAFencedProducerAndRejoinTheGroup() {
        kafka.commitHook = p -> {
            if (p.transactionalId.endsWith("-0") && p.commitCalls.get() == 1) {
                throw new ProducerFencedException("fenced by a newer instance");
            }
        };
        start(builder(upper()));
        feed(P0, 0, 10);
        await("a new producer for slot 0", () -> kafka.producers.size() == 3);
        assertThat(kafka.producers.get(2).transactionalId).isEqualTo("app-i1-0");
        assertThat(kafka.producers.get(0).closed()).isTrue();
        assertThat(kafka.consumer.shouldRebalance()).as("rejoined the group").isTrue();
        assertThat(kafka.committedOffsets()).isEmpty();
        assertThat(pipeline.state()).isEqualTo(Pipeline.State.RUNNING);
    }

    /**
     * Fencing seen by a send's callback (not by the commit) is fencing all the same: the producer is replaced and
     * the group rejoined, rather than the transaction aborted and retried with the fenced producer.
     */
    @Test
    void shouldReplaceAProducerFencedOnASend() {
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        kafka.sendFailure = p -> p.transactionalId.endsWith("-0") && once.compareAndSet(false, true)
                ? new ProducerFencedException("fenced by a newer instance") : null;
        start(builder(upper()));
        feed(P0, 0, 10);
        await("a new producer for slot 0", () -> kafka.producers.size() == 3);
        assertThat(kafka.producers.get(0).closed()).isTrue();
        assertThat(kafka.consumer.shouldRebalance()).as("rejoined the group").isTrue();
        assertThat(pipeline.state()).isEqualTo(Pipeline.State.RUNNING);
    }

    /**
     * The consumer group protocol's consumer throws UnknownMemberIdException from poll when the coordinator fenced
     * the member (seen after a broker kill: "OffsetFetch failed with UNKNOWN_MEMBER_ID"). The member rejoins by
     * itself: the pipeline aborts its open transaction, rewinds and polls on instead of failing.
     */
    @Test
    void shouldRejoinWhenThePollSaysTheCoordinatorNoLongerKnowsTheMember() {
        start(builder(upper()));
        feed(P0, 0, 10);
        await("committed", () -> Long.valueOf(10).equals(kafka.committedOffsets().get(P0)));
        kafka.consumer.setPollException(new org.apache.kafka.common.errors.UnknownMemberIdException(
                "The coordinator is not aware of this member."));
        feed(P0, 10, 20);
        await("later input commits", () -> Long.valueOf(20).equals(kafka.committedOffsets().get(P0)));
        assertThat(pipeline.state()).isEqualTo(Pipeline.State.RUNNING);
    }

    @Test
    void shouldRetryACommitThatTimedOutAndNeverAbortIt() {
        kafka.commitHook = p -> {
            if (p.commitCalls.get() <= 2) {
                throw new TimeoutException("commit timed out");
            }
        };
        start(builder(upper()));
        feed(P0, 0, 10);
        await("committed", () -> Long.valueOf(10).equals(kafka.committedOffsets().get(P0)));
        TestProducer first = kafka.producers.get(0);
        assertThat(first.commitCalls.get()).isEqualTo(3);
        assertThat(first.abortCalled).isFalse();
        assertThat(kafka.committedValues()).hasSize(10);
    }

    @Test
    void shouldFinishARunningCommitBeforeCommittingRevokedPartitions() {
        CountDownLatch commitStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        kafka.commitHook = p -> {
            if (p.commitCalls.get() == 1 && p.transactionalId.endsWith("-0")) {
                commitStarted.countDown();
                awaitLatch(release);
            }
            order.add(p.transactionalId + "#" + p.commitCalls.get());
        };
        start(builder(upper()));
        feed(P0, 0, 10);
        awaitLatch(commitStarted);
        feed(P0, 10, 15);
        await("sent behind the running commit", () -> kafka.producers.get(1).transactionInFlight());
        kafka.consumer.schedulePollTask(() -> kafka.consumer.rebalance(List.of(P1)));
        MockKafka.sleep(100);
        assertThat(order).as("the revoke waits for the running commit").isEmpty();
        release.countDown();
        await("the revoked partition is committed to its end",
                () -> Long.valueOf(15).equals(kafka.committedOffsets().get(P0)));
        assertThat(order.get(0)).isEqualTo("app-i1-0#1");
        assertThat(states).contains(Pipeline.State.REBALANCING);
        await("running again", () -> pipeline.state() == Pipeline.State.RUNNING);
    }

    @Test
    void shouldAbortAndDropTheWorkOfLostPartitions() {
        start(builder(upper()).config("commit.interval.ms", 5_000).config("commit.max.records", 1_000_000));
        feed(P0, 0, 10);
        await("sent into the open transaction", () -> kafka.producers.get(0).uncommittedRecords().size() == 10);
        kafka.consumer.schedulePollTask(() -> kafka.consumer.losePartitions(List.of(P0)));
        await("aborted", () -> kafka.producers.get(0).transactionAborted());
        assertThat(kafka.committedOffsets()).isEmpty();
        assertThat(kafka.committedValues()).isEmpty();
    }

    @Test
    void shouldCommitOnceOnCloseAndNotAgainInTheRevokeCallback() {
        start(builder(upper()).config("commit.interval.ms", 5_000).config("commit.max.records", 1_000_000));
        feed(P0, 0, 10);
        await("sent", () -> kafka.producers.get(0).uncommittedRecords().size() == 10);
        assertThat(pipeline.close(Duration.ofSeconds(10))).isTrue();
        assertThat(pipeline.state()).isEqualTo(Pipeline.State.STOPPED);
        assertThat(kafka.consumer.revokedOnClose).as("the consumer's close revoked its partitions").isTrue();
        assertThat(kafka.commits()).isEqualTo(1);
        assertThat(kafka.committedOffsets()).containsEntry(P0, 10L);
        assertThat(kafka.producers).allMatch(TestProducer::closed);
    }

    @Test
    void shouldEndStoppedWhenClosedWhileTheBrokersDoNotAnswerAtStartUp() {
        kafka.initFailure = new TimeoutException("no broker answers");
        pipeline = builder(upper()).build();
        pipeline.start();
        MockKafka.sleep(100);
        assertThat(pipeline.close(Duration.ofSeconds(10))).isTrue();
        assertThat(pipeline.state()).isEqualTo(Pipeline.State.STOPPED);
        assertThat(pipeline.failure()).isNull();
    }

    @Test
    void shouldHonourACloseWhileStartIsCheckingTopics() throws Exception {
        kafka.blockTopicListing = true;
        pipeline = builder(upper()).build();
        Thread starter = new Thread(pipeline::start);
        starter.start();
        await("checking topics", () -> pipeline.state() == Pipeline.State.STARTING);
        assertThat(pipeline.close(Duration.ofSeconds(10))).isTrue();
        starter.join(10_000);
        assertThat(pipeline.state()).isEqualTo(Pipeline.State.STOPPED);
        assertThat(kafka.producers).as("no producer was created").isEmpty();
    }

    @Test
    void shouldCallInitOnceBeforeRecordsAndCloseOnceAtTheEnd() {
        List<String> calls = new CopyOnWriteArrayList<>();
        start(builder(new Processor<>() {
            @Override
            public void init(ProcessorContext context) {
                calls.add("init " + context.applicationId() + "/" + context.instanceId());
            }

            @Override
            public void process(InputRecord<String, String> record, ProcessorContext context) {
                calls.add("process");
                context.emit(OUT, record.key(), record.value());
            }

            @Override
            public void close() {
                calls.add("close");
            }
        }));
        feed(P0, 0, 3);
        await("committed", () -> Long.valueOf(3).equals(kafka.committedOffsets().get(P0)));
        pipeline.close(Duration.ofSeconds(10));
        assertThat(calls).containsExactly("init app/i1", "process", "process", "process", "close");
    }

    /** A missing dead-letter topic is named as the dead-letter topic in the start error; the pipeline ends FAILED. */
    @Test
    void shouldNameAMissingDeadLetterTopicAsSuch() {
        kafka.topics = java.util.Set.of("in", "out");
        pipeline = builder((r, c) -> c.emit(OUT, r.key(), r.value())).deadLetterTopic("dlq").build();
        org.assertj.core.api.Assertions.assertThatThrownBy(pipeline::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the dead-letter topic 'dlq' (dead.letter.topic) does not exist")
                .hasMessageNotContaining("output topic");
        assertThat(pipeline.state()).isEqualTo(Pipeline.State.FAILED);
    }

    @Test
    void shouldFailTheStartWhenInitThrowsAndStillCallClose() {
        List<String> calls = new CopyOnWriteArrayList<>();
        pipeline = builder(new Processor<>() {
            @Override
            public void init(ProcessorContext context) {
                throw new IllegalStateException("cannot reach the enrichment service");
            }

            @Override
            public void process(InputRecord<String, String> record, ProcessorContext context) {
                calls.add("process");
            }

            @Override
            public void close() {
                calls.add("close");
            }
        }).build();
        pipeline.start();
        await("failed", () -> pipeline.state() == Pipeline.State.FAILED);
        assertThat(pipeline.failure()).hasMessageContaining("cannot reach the enrichment service");
        assertThat(calls).containsExactly("close");
        assertThat(kafka.producers).isEmpty();
    }

    /**
     * Back-pressure: a record of partition 0 blocks forever while input keeps coming on both partitions. The
     * records taken from partition 0 stay within max.in.flight.records (plus one poll), though the records behind
     * the stuck one completed, and partition 1 keeps committing.
     */
    @Test
    void shouldBoundTheRecordsHeldBehindAStuckRecordAndKeepOtherPartitionsCommitting() {
        CountDownLatch never = new CountDownLatch(1);
        int maxInFlight = 100;
        int maxPoll = 10;
        start(builder((r, c) -> {
            if (r.partition() == 0 && r.offset() == 0) {
                never.await(); // interrupted at close
            }
            c.emit(OUT, r.key(), r.value());
        }).config("max.in.flight.records", maxInFlight).config("processing.timeout.ms", 0));
        kafka.consumer.setMaxPollRecords(maxPoll);
        try {
            for (int batch = 0; batch < 20; batch++) {
                feed(P0, batch * 100, batch * 100 + 100);
                feed(P1, batch * 100, batch * 100 + 100);
                int end = batch * 100 + 100;
                await("partition 1 committed to " + end,
                        () -> Long.valueOf(end).equals(kafka.committedOffsets().get(P1)));
                assertThat(kafka.consumer.taken(P0)).as("records taken from the stuck partition")
                        .isLessThanOrEqualTo(maxInFlight + maxPoll);
            }
            assertThat(kafka.consumer.taken(P0)).as("partition 0 filled up to the limit").isGreaterThanOrEqualTo(
                    maxInFlight - maxPoll);
            assertThat(kafka.committedOffsets()).doesNotContainKey(P0);
            assertThat(kafka.consumer.paused()).containsExactly(P0);
        } finally {
            never.countDown();
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
