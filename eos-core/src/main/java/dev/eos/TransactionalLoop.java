package dev.eos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner thread of a pipeline. It holds the consumer and drives the transactional producer; worker threads
 * of a {@link Dispatcher} run the processor and hand back serialized outputs. Outputs of a record are held until
 * every earlier record of its partition has completed, then sent into the open transaction; the offsets sent
 * with the transaction are the end of those completed prefixes. So a committed transaction holds a record's
 * outputs exactly when it marks the record consumed (DESIGN.md section 3), while workers go on with later
 * records during a commit.
 *
 * <p>Transactions overlap: the loop owns two transactional producers, and while one commits its transaction on
 * a committer thread, the poll thread goes on fetching, dispatching and sending into a new transaction of the
 * other, once the committing transaction's outputs are all written (so outputs stay in the order of their
 * inputs). At most one commit runs at a time and transactions commit in the order they began, so the offsets a
 * commit writes never fall behind those of an earlier one. When a commit fails, the transaction opened behind
 * it is aborted too (its outputs belong to records after the failed one) and every partition is reset.
 *
 * <p>After an abort every partition is reset: records in flight are dropped (their results ignored) and the
 * consumer is sought back to the committed position, so the records are processed again.
 */
final class TransactionalLoop<K, V> implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TransactionalLoop.class);
    private static final Object NULL_KEY = new Object();
    /**
     * Test-only: when this system property is {@code true}, an abort does not seek the partitions back, which
     * loses the records of the aborted transaction. It exists so the chaos checker can be shown to catch a broken
     * pipeline; never set it otherwise.
     */
    static final String BROKEN_REWIND_PROPERTY = "dev.eos.internal.test.skipRewindAfterAbort";

    private final EosConfig config;
    private final String app;
    private final List<String> inputTopics;
    private final Map<String, OutputTopic<?, ?>> outputTopics;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final Processor<K, V> processor;
    private final Pipeline<K, V> pipeline;
    private final Ordering ordering;
    private final RetryPolicy retry;
    private final FailureAction failureAction;
    private final String deadLetterTopic;

    private KafkaConsumer<byte[], byte[]> consumer;
    /** The two producers; transactions alternate between them. */
    private final Slot[] slots = new Slot[2];
    /** The slot of the open (or next) transaction; the other one may be committing. */
    private Slot current;
    private Dispatcher dispatcher;
    private ExecutorService committer;
    /**
     * The commit running on the committer thread, or null. While set, no other commit starts, and outputs wait
     * until its transaction is flushed.
     */
    private CommitJob committing;
    private volatile boolean stopRequested;
    private boolean failing;

    // poll-thread state
    private final Map<TopicPartition, PartitionTracker> trackers = new HashMap<>();
    private final ConcurrentLinkedQueue<Work> completions = new ConcurrentLinkedQueue<>();
    private int inFlight;
    private long bufferedBytes;
    private boolean paused;
    private boolean inTransaction;
    private long transactionStartNanos;
    private int transactionRecords;
    private final Set<PartitionTracker> touched = new HashSet<>();
    /** The first send failure of the open transaction; replaced when a new transaction begins. */
    private AtomicReference<Exception> sendError = new AtomicReference<>();
    /**
     * Records whose output failed with an error that may concern that record alone (too large, not
     * authorized). A producer fails every record queued behind such an error with the same exception, so these
     * are only suspects: on redo each is sent on its own (flushed before and after) to find out.
     */
    private final Map<String, Exception> suspects = new ConcurrentHashMap<>();
    /** Suspects whose output failed again when sent on their own: on redo they take the failure path. */
    private final Map<String, Exception> confirmed = new ConcurrentHashMap<>();
    /** A suspect was confirmed in the transaction that is about to abort: that abort made progress. */
    private boolean confirmedInTransaction;
    private int consecutiveAborts;
    private final boolean brokenRewind = Boolean.getBoolean(BROKEN_REWIND_PROPERTY);
    private final boolean transactionHeader;
    private final int maxPollRecords;
    private long transactionSequence;
    private byte[] transactionTag;

    TransactionalLoop(EosConfig config, List<String> inputTopics, Map<String, OutputTopic<?, ?>> outputTopics,
            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, Processor<K, V> processor,
            Pipeline<K, V> pipeline) {
        this.config = config;
        this.app = config.applicationId();
        this.inputTopics = inputTopics;
        this.outputTopics = outputTopics;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.processor = processor;
        this.pipeline = pipeline;
        this.ordering = config.ordering();
        this.retry = config.retryPolicy();
        this.failureAction = config.failureAction();
        this.deadLetterTopic = config.deadLetterTopic();
        this.transactionHeader = config.transactionHeader();
        Object maxPoll = config.consumerConfigs().get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
        this.maxPollRecords = maxPoll == null ? ConsumerConfig.DEFAULT_MAX_POLL_RECORDS
                : Integer.parseInt(maxPoll.toString());
    }

    void requestStop() {
        stopRequested = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        Throwable fatal = null;
        try {
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new Slot(i, config.transactionalId(i));
                slots[i].producer = newProducer(slots[i]);
            }
            current = slots[0];
            consumer = new KafkaConsumer<>(config.consumerConfigs(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            dispatcher = new Dispatcher("eos-" + app, config.concurrency(), this::runWork);
            committer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "eos-" + app + "-commit");
                t.setDaemon(true);
                return t;
            });
            if (stopRequested) {
                return;
            }
            consumer.subscribe(inputTopics, new Rebalance());
            pipeline.transitionIfPossible(Pipeline.State.RUNNING);
            log.info("[app={}] running as transactional ids {} and {} on {} ({} order, {} workers)", app,
                    slots[0].transactionalId, slots[1].transactionalId, inputTopics, ordering,
                    config.concurrency());
            while (!stopRequested) {
                try {
                    iterate();
                } catch (WakeupException e) {
                    if (!stopRequested) {
                        throw e;
                    }
                }
            }
            pipeline.transitionIfPossible(Pipeline.State.STOPPING);
            drainAndCommit(trackers.values(), "close");
        } catch (Throwable e) {
            fatal = e;
            failing = true; // the rebalance callbacks of the closing consumer must not commit anything
        } finally {
            if (fatal == null) {
                pipeline.transitionIfPossible(Pipeline.State.STOPPING);
            }
            if (dispatcher != null) {
                dispatcher.shutdownNow();
            }
            if (committer != null) {
                committer.shutdownNow();
            }
            closeClients(fatal != null);
            if (fatal != null) {
                log.error("[app={}] pipeline failed: {}", app, fatal.toString(), fatal);
                pipeline.fail(fatal);
            } else {
                pipeline.transitionIfPossible(Pipeline.State.STOPPED);
            }
        }
    }

    private KafkaProducer<byte[], byte[]> newProducer(Slot slot) {
        slot.session = java.util.UUID.randomUUID().toString().substring(0, 8);
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(config.producerConfigs(slot.index),
                new ByteArraySerializer(), new ByteArraySerializer());
        while (true) {
            try {
                p.initTransactions();
                return p;
            } catch (TimeoutException e) {
                if (stopRequested) {
                    p.close(Duration.ZERO);
                    throw new WakeupException();
                }
                log.warn("[app={}] initTransactions timed out, retrying: {}", app, e.getMessage());
            } catch (RuntimeException e) {
                p.close(Duration.ZERO);
                throw e;
            }
        }
    }

    // ------------------------------------------------------------------ the poll thread

    private void iterate() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(pollTimeoutMs()));
        if (!records.isEmpty()) {
            List<Work> batch = new ArrayList<>(records.count());
            for (TopicPartition tp : records.partitions()) {
                PartitionTracker t = trackers.computeIfAbsent(tp, PartitionTracker::new);
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    batch.add(track(t, r));
                }
            }
            dispatcher.submitAll(batch);
        }
        finishCommit(false);
        drainCompletions();
        advanceAll();
        if (inTransaction && committing == null) {
            long age = elapsedMs();
            if (age >= config.commitIntervalMs()) {
                commit("interval");
            } else if (transactionRecords >= config.commitMaxRecords()) {
                commit("max records");
            } else if (config.commitEager() && age >= config.commitEagerMinMs() && caughtUp()) {
                commit("caught up");
            }
        }
        applyBackPressure();
    }

    private long pollTimeoutMs() {
        if (committing != null) {
            return 1; // to start the next commit soon after this one returns
        }
        long untilCommit = inTransaction ? Math.max(0, config.commitIntervalMs() - elapsedMs())
                : Math.max(config.commitIntervalMs(), 100);
        return inFlight > 0 ? Math.min(untilCommit, 2) : untilCommit;
    }

    /**
     * Whether the input has caught up: the records that wait in the log (the lag behind each partition's high
     * watermark, as of the last fetch) would fit in one poll. Then waiting gains little, so the open
     * transaction may commit early; while a backlog waits, transactions run for commit.interval.ms and stay
     * large.
     */
    private boolean caughtUp() {
        long waiting = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isEmpty()) {
                return false;
            }
            waiting += lag.getAsLong();
            if (waiting > maxPollRecords) {
                return false;
            }
        }
        return true;
    }

    private long elapsedMs() {
        return (System.nanoTime() - transactionStartNanos) / 1_000_000L;
    }

    private Work track(PartitionTracker t, ConsumerRecord<byte[], byte[]> r) {
        if (t.committed < 0) {
            t.committed = r.offset();
        }
        Object key;
        switch (ordering) {
            case KEY:
                key = Arrays.asList(t, r.key() == null ? NULL_KEY : java.nio.ByteBuffer.wrap(r.key()));
                break;
            case PARTITION:
                key = t;
                break;
            default:
                key = null;
        }
        Work w = new Work(r, t, key);
        t.add(w);
        inFlight++;
        return w;
    }

    /** Takes the records workers completed; fails the pipeline on a record whose action is STOP. */
    private void drainCompletions() {
        Work w;
        while ((w = completions.poll()) != null) {
            inFlight--;
            if (w.tracker.discarded || trackers.get(w.tp) != w.tracker) {
                continue; // its partition was reset or revoked: the result is dropped
            }
            if (w.failure != null && !w.cancelled) {
                abortQuietly();
                throw w.failure;
            }
            w.drained = true;
            bufferedBytes += w.outputBytes;
        }
    }

    /**
     * Sends the outputs of every completed prefix into the open transaction; not before the outputs of a
     * committing transaction are all in the log, so that outputs keep the order of their inputs.
     */
    private void advanceAll() {
        if (committing != null && !committing.flushed) {
            return;
        }
        for (PartitionTracker t : trackers.values()) {
            for (Work w : t.advance()) {
                bufferedBytes -= w.outputBytes;
                Exception rejected = confirmed.isEmpty() ? null : confirmed.remove(w.coordinates());
                if (rejected != null) {
                    log.warn("[app={}] output of {} was rejected by the broker: {}", app, w.coordinates(),
                            rejected.toString());
                    w.attempts = Math.max(1, w.attempts);
                    finalFailure(w, rejected);
                    if (w.failure != null) {
                        abortQuietly();
                        throw w.failure;
                    }
                }
                beginIfNeeded();
                Exception suspicion = suspects.isEmpty() ? null : suspects.remove(w.coordinates());
                if (suspicion != null && sendError.get() == null) {
                    sendAlone(w, suspicion);
                } else {
                    send(w, null);
                }
                touched.add(t);
                transactionRecords++;
            }
        }
    }

    private void send(Work w, AtomicReference<Exception> failure) {
        AtomicReference<Exception> transactionError = sendError;
        KafkaProducer<byte[], byte[]> producer = current.producer;
        for (ProducerRecord<byte[], byte[]> out : w.outputs) {
            if (transactionHeader) {
                out.headers().remove(DeadLetter.TRANSACTION);
                out.headers().add(DeadLetter.TRANSACTION, transactionTag);
            }
            try {
                producer.send(out, (md, e) -> {
                    if (e != null) {
                        if (failure != null) {
                            failure.compareAndSet(null, e);
                        }
                        onSendFailure(w, e, transactionError);
                    }
                });
            } catch (KafkaException e) {
                if (failure != null) {
                    failure.compareAndSet(null, e);
                }
                onSendFailure(w, e, transactionError);
            }
        }
    }

    /** Sends a suspect's outputs in a batch of their own, to learn whether the broker rejects them. */
    private void sendAlone(Work w, Exception suspicion) {
        KafkaProducer<byte[], byte[]> producer = current.producer;
        producer.flush();
        if (sendError.get() != null) {
            suspects.put(w.coordinates(), suspicion); // an earlier record failed: no verdict this time
            send(w, null);
            return;
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        send(w, failure);
        producer.flush();
        Exception e = failure.get();
        if (e != null && isRecordSpecific(e)) {
            suspects.remove(w.coordinates());
            confirmed.put(w.coordinates(), e);
            confirmedInTransaction = true;
            log.info("[app={}] output of {} is rejected on its own ({}); it takes {} after the abort", app,
                    w.coordinates(), e.toString(), failureAction);
        }
    }

    private static boolean isRecordSpecific(Exception e) {
        return e instanceof RecordTooLargeException || e instanceof InvalidRecordException
                || e instanceof TopicAuthorizationException || e instanceof SerializationException;
    }

    private void onSendFailure(Work source, Exception e, AtomicReference<Exception> transactionError) {
        if (isRecordSpecific(e) && !confirmed.containsKey(source.coordinates())) {
            suspects.put(source.coordinates(), e);
        }
        transactionError.compareAndSet(null, e);
    }

    private void beginIfNeeded() {
        if (!inTransaction) {
            current.producer.beginTransaction();
            inTransaction = true;
            transactionSequence++;
            if (transactionHeader) {
                transactionTag = (current.transactionalId + ":" + current.session + ":" + transactionSequence)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            transactionStartNanos = System.nanoTime();
            transactionRecords = 0;
        }
    }

    private void applyBackPressure() {
        boolean full = inFlight >= config.maxInFlight() || bufferedBytes >= config.maxBufferedBytes();
        if (full) {
            Set<TopicPartition> assigned = consumer.assignment();
            if (!assigned.isEmpty() && (!paused || !consumer.paused().containsAll(assigned))) {
                consumer.pause(assigned);
                paused = true;
            }
        } else if (paused) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    /**
     * Starts committing the open transaction, with the end of each partition's sent prefix, on the committer
     * thread, and moves sending to the other producer. {@link #finishCommit} applies the outcome. Only one
     * commit runs at a time.
     */
    private void commit(String reason) {
        if (!inTransaction || committing != null) {
            return;
        }
        Exception failedSend = sendError.get();
        if (failedSend != null) {
            onTransactionFailure(null, new KafkaException("An output record was rejected: " + failedSend,
                    failedSend));
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (PartitionTracker t : touched) {
            offsets.put(t.tp, new OffsetAndMetadata(t.next));
        }
        ConsumerGroupMetadata group = offsets.isEmpty() ? null : consumer.groupMetadata();
        Slot slot = current;
        CommitJob job = new CommitJob(slot, reason, new ArrayList<>(touched), offsets, transactionRecords);
        committing = job;
        current = slot == slots[0] ? slots[1] : slots[0];
        clearTransaction();
        KafkaProducer<byte[], byte[]> p = slot.producer;
        committer.execute(() -> {
            try {
                p.flush();
                job.flushed = true; // from here the next transaction may send
                if (group != null) {
                    p.sendOffsetsToTransaction(offsets, group);
                }
                commitWithRetry(p);
            } catch (Throwable e) {
                job.error = e;
            } finally {
                job.done.countDown();
            }
        });
    }

    /** Commits the open transaction and waits for the outcome. */
    private void commitNow(String reason) {
        finishCommit(true);
        commit(reason);
        finishCommit(true);
    }

    /**
     * Applies the outcome of the running commit, if it is done or {@code wait} is set: on success the sent
     * prefixes become the committed positions; on failure see {@link #onTransactionFailure}.
     */
    private void finishCommit(boolean wait) {
        CommitJob job = committing;
        if (job == null) {
            return;
        }
        if (job.done.getCount() > 0) {
            if (!wait) {
                return;
            }
            try {
                job.done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
        }
        committing = null;
        if (job.error == null) {
            if (log.isDebugEnabled()) {
                log.debug("[app={}] committed {} record(s) ({}): {}", app, job.records, job.reason, job.offsets);
            }
            for (PartitionTracker t : job.partitions) {
                t.committed = job.offsets.get(t.tp).offset();
            }
            consecutiveAborts = 0;
            confirmedInTransaction = false;
        } else if (job.error instanceof Error) {
            throw (Error) job.error;
        } else {
            onTransactionFailure(job.slot, (Exception) job.error);
        }
    }

    /**
     * A transaction cannot commit: the one of {@code failed} (whose commit failed) or, if null, the open one.
     * Both are aborted, since the open transaction holds outputs of records after those of the failed one, and
     * every partition is reset to its committed position. A fenced producer is replaced, and the consumer
     * rejoins its group; authorization and version errors are fatal.
     */
    private void onTransactionFailure(Slot failed, Exception failure) {
        if (failure instanceof ProducerFencedException || failure instanceof InvalidProducerEpochException
                || failure instanceof InvalidPidMappingException) {
            log.warn("[app={}] producer fenced ({}); discarding the open transaction, replacing the producer and "
                    + "rewinding to the committed positions", app, failure.toString());
            Slot fenced = failed == null ? current : failed;
            closeQuietly(fenced.producer);
            if (fenced != current) {
                abortOpen();
            }
            resetAll();
            countAbort((KafkaException) failure);
            fenced.producer = newProducer(fenced);
            try {
                consumer.enforceRebalance("transactional producer was fenced");
            } catch (RuntimeException rejoinFailure) {
                log.debug("[app={}] enforceRebalance: {}", app, rejoinFailure.toString());
            }
        } else if (failure instanceof AuthorizationException || failure instanceof AuthenticationException
                || failure instanceof UnsupportedVersionException || !(failure instanceof KafkaException)) {
            throw failure instanceof RuntimeException ? (RuntimeException) failure
                    : new KafkaException("Commit failed: " + failure, failure);
        } else {
            log.warn("[app={}] transaction aborted ({}); rewinding to the committed positions to retry", app,
                    failure.toString());
            if (failed != null) {
                abort(failed);
            }
            abortOpen();
            resetAll();
            countAbort((KafkaException) failure);
        }
    }

    /** A commit handed to the committer thread. */
    private static final class CommitJob {
        final Slot slot;
        final String reason;
        final List<PartitionTracker> partitions;
        final Map<TopicPartition, OffsetAndMetadata> offsets;
        final int records;
        final CountDownLatch done = new CountDownLatch(1);
        /** Every output of the transaction is in the log: outputs of the next one may follow them. */
        volatile boolean flushed;
        volatile Throwable error;

        CommitJob(Slot slot, String reason, List<PartitionTracker> partitions,
                Map<TopicPartition, OffsetAndMetadata> offsets, int records) {
            this.slot = slot;
            this.reason = reason;
            this.partitions = partitions;
            this.offsets = offsets;
            this.records = records;
        }
    }

    /** One of the loop's two transactional producers. */
    private static final class Slot {
        final int index;
        final String transactionalId;
        KafkaProducer<byte[], byte[]> producer;
        /** Changes with each new producer; part of the transaction tag. */
        String session = "";

        Slot(int index, String transactionalId) {
            this.index = index;
            this.transactionalId = transactionalId;
        }
    }

    private void commitWithRetry(KafkaProducer<byte[], byte[]> p) {
        while (true) {
            try {
                p.commitTransaction();
                return;
            } catch (TimeoutException e) {
                // the commit may have gone through: retrying is safe, aborting is not
                log.warn("[app={}] commitTransaction timed out, retrying: {}", app, e.getMessage());
            }
        }
    }

    private void countAbort(KafkaException cause) {
        if (confirmedInTransaction) {
            confirmedInTransaction = false;
            return; // this abort found the record at fault: progress, not a loop
        }
        consecutiveAborts++;
        if (consecutiveAborts >= config.maxConsecutiveAborts()) {
            throw new KafkaException(consecutiveAborts + " transactions in a row aborted (limit "
                    + EosConfig.MAX_ABORTS_CONFIG + "=" + config.maxConsecutiveAborts() + "); last cause: " + cause,
                    cause);
        }
    }

    /**
     * Waits for a running commit, aborts the open transaction (replacing the producer if it cannot abort) and
     * resets every partition.
     */
    private void abortQuietly() {
        finishCommit(true);
        abortOpen();
        resetAll();
    }

    /** Aborts the open transaction, if any. */
    private void abortOpen() {
        if (inTransaction) {
            abort(current);
        }
    }

    /** Aborts the transaction of this slot's producer, replacing the producer if it cannot abort. */
    private void abort(Slot slot) {
        try {
            slot.producer.abortTransaction();
        } catch (RuntimeException e) {
            log.warn("[app={}] abortTransaction failed ({}); replacing the producer", app, e.toString());
            closeQuietly(slot.producer);
            if (!stopRequested) {
                slot.producer = newProducer(slot);
            }
        }
    }

    /** Drops every record in flight and seeks each owned partition back to its committed position. */
    private void resetAll() {
        Set<TopicPartition> owned = consumer.assignment();
        for (Map.Entry<TopicPartition, PartitionTracker> e : new ArrayList<>(trackers.entrySet())) {
            PartitionTracker old = e.getValue();
            bufferedBytes -= old.discard();
            PartitionTracker fresh = new PartitionTracker(e.getKey());
            fresh.committed = old.committed;
            trackers.put(e.getKey(), fresh);
            if (old.committed >= 0 && owned.contains(e.getKey()) && !brokenRewind) {
                consumer.seek(e.getKey(), old.committed);
            }
        }
        clearTransaction();
    }

    private void clearTransaction() {
        inTransaction = false;
        transactionRecords = 0;
        touched.clear();
        sendError = new AtomicReference<>();
    }

    /**
     * Stops taking new records of these partitions, waits up to {@code drain.timeout.ms} for their running
     * records, then sends what completed and commits.
     */
    private void drainAndCommit(Collection<PartitionTracker> draining, String reason) {
        finishCommit(true);
        List<PartitionTracker> list = new ArrayList<>(draining);
        for (PartitionTracker t : list) {
            t.acceptingNew = false;
        }
        long deadline = System.nanoTime() + config.drainTimeoutMs() * 1_000_000L;
        while (list.stream().anyMatch(PartitionTracker::hasRunning) && System.nanoTime() < deadline) {
            drainCompletions();
            advanceAll();
            sleepQuietly(1);
        }
        drainCompletions();
        advanceAll();
        commitNow(reason);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly(KafkaProducer<byte[], byte[]> p) {
        try {
            p.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("[app={}] closing a producer: {}", app, e.toString());
        }
    }

    private void closeClients(boolean failed) {
        if (failed && inTransaction && current != null && current.producer != null) {
            try {
                current.producer.abortTransaction();
            } catch (RuntimeException e) {
                log.debug("[app={}] abort on failure: {}", app, e.toString());
            }
        }
        for (Slot slot : slots) {
            if (slot != null && slot.producer != null) {
                try {
                    slot.producer.close(Duration.ofSeconds(failed ? 0 : 10));
                } catch (RuntimeException e) {
                    log.debug("[app={}] closing a producer: {}", app, e.toString());
                }
            }
        }
        if (consumer != null) {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                log.debug("[app={}] closing the consumer: {}", app, e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ worker threads

    /** Runs one attempt of a record on a worker thread; returns a retry delay or -1 when it is complete. */
    private long runWork(Work w) {
        PartitionTracker t = w.tracker;
        if (t.discarded || (!t.acceptingNew && !w.started)) {
            w.cancelled = true;
            completions.add(w);
            return -1;
        }
        w.started = true;
        w.attempts++;
        ConsumerRecord<byte[], byte[]> raw = w.raw;
        K key;
        V value;
        try {
            key = keyDeserializer.deserialize(raw.topic(), raw.headers(), raw.key());
            value = valueDeserializer.deserialize(raw.topic(), raw.headers(), raw.value());
        } catch (RuntimeException e) {
            noteFailure(w);
            finalFailure(w, new SerializationException("Cannot deserialize the key or value: " + e, e));
            completions.add(w);
            return -1;
        }
        ConsumerRecord<K, V> record = new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(),
                raw.timestamp(), raw.timestampType(), raw.serializedKeySize(), raw.serializedValueSize(), key, value,
                raw.headers(), raw.leaderEpoch());
        CollectingEmitter emitter = new CollectingEmitter(w);
        try {
            processor.process(record, emitter);
            emitter.closed = true;
            w.setOutputs(emitter.records);
            completions.add(w);
            return -1;
        } catch (Exception e) {
            emitter.closed = true;
            noteFailure(w);
            if (t.discarded) {
                w.cancelled = true;
                completions.add(w);
                return -1;
            }
            if (!(e instanceof NonRetryableException) && retry.shouldRetry(w.attempts)) {
                long delay = retry.delayMs(w.attempts, random());
                log.info("[app={}] record {} failed (attempt {} of {}), retrying in {} ms: {}", app, w.coordinates(),
                        w.attempts, retry.maxAttempts, delay, e.toString());
                return delay;
            }
            finalFailure(w, e);
            completions.add(w);
            return -1;
        } catch (Error e) {
            emitter.closed = true;
            noteFailure(w);
            w.failure = new ProcessingException("The processor failed with an error: " + e, raw.topic(),
                    raw.partition(), raw.offset(), e);
            completions.add(w);
            return -1;
        }
    }

    private static Random random() {
        return ThreadLocalRandom.current();
    }

    private static void noteFailure(Work w) {
        long now = System.currentTimeMillis();
        if (w.firstFailureMs == 0) {
            w.firstFailureMs = now;
        }
        w.lastFailureMs = now;
    }

    /** Applies {@code failure.action} to a record that cannot be processed. */
    private void finalFailure(Work w, Exception cause) {
        ConsumerRecord<byte[], byte[]> raw = w.raw;
        switch (failureAction) {
            case DEAD_LETTER:
                log.warn("[app={}] record {} failed after {} attempt(s), sending it to dead-letter topic {}: {}", app,
                        w.coordinates(), w.attempts, deadLetterTopic, cause.toString());
                w.setOutputs(List.of(deadLetter(w, cause)));
                break;
            case SKIP:
                log.warn("[app={}] record {} failed after {} attempt(s), skipping it: {}", app, w.coordinates(),
                        w.attempts, cause.toString());
                w.setOutputs(List.of());
                break;
            default:
                w.failure = new ProcessingException("The record failed after " + w.attempts + " attempt(s): "
                        + cause, raw.topic(), raw.partition(), raw.offset(), cause);
        }
    }

    private ProducerRecord<byte[], byte[]> deadLetter(Work w, Exception cause) {
        ConsumerRecord<byte[], byte[]> raw = w.raw;
        Headers h = new RecordHeaders(raw.headers().toArray());
        put(h, DeadLetter.SOURCE_TOPIC, raw.topic());
        put(h, DeadLetter.SOURCE_PARTITION, String.valueOf(raw.partition()));
        put(h, DeadLetter.SOURCE_OFFSET, String.valueOf(raw.offset()));
        put(h, DeadLetter.EXCEPTION_CLASS, cause.getClass().getName());
        put(h, DeadLetter.EXCEPTION_MESSAGE, cause.getMessage() == null ? "" : cause.getMessage());
        put(h, DeadLetter.ATTEMPTS, String.valueOf(w.attempts));
        long now = System.currentTimeMillis();
        put(h, DeadLetter.FIRST_FAILURE_MS, String.valueOf(w.firstFailureMs == 0 ? now : w.firstFailureMs));
        put(h, DeadLetter.LAST_FAILURE_MS, String.valueOf(w.lastFailureMs == 0 ? now : w.lastFailureMs));
        return new ProducerRecord<>(deadLetterTopic, null, null, raw.key(), raw.value(), h);
    }

    private static void put(Headers h, String name, String value) {
        h.add(name, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Collects one attempt's outputs, serialized on the worker thread. */
    private final class CollectingEmitter implements Emitter {
        private final Work source;
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
        volatile boolean closed;

        CollectingEmitter(Work source) {
            this.source = source;
        }

        @Override
        public <OK, OV> void emit(OutputTopic<OK, OV> topic, OK key, OV value, Headers headers) {
            if (closed) {
                throw new IllegalStateException("emit() called after process() returned for "
                        + source.coordinates());
            }
            if (topic == null || outputTopics.get(topic.name()) != topic) {
                throw new IllegalArgumentException("Output topic " + (topic == null ? null : "'" + topic.name()
                        + "'") + " is not declared on this pipeline; declared: " + outputTopics.keySet());
            }
            // a copy: the record's headers are completed on the poll thread, and the caller may reuse its own
            Headers h = headers == null ? new RecordHeaders() : new RecordHeaders(headers.toArray());
            byte[] k = topic.keySerializer().serialize(topic.name(), h, key);
            byte[] v = topic.valueSerializer().serialize(topic.name(), h, value);
            records.add(new ProducerRecord<>(topic.name(), null, null, k, v, h));
        }
    }

    // ------------------------------------------------------------------ rebalances

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty() || failing) {
                return;
            }
            pipeline.transitionIfPossible(Pipeline.State.REBALANCING);
            finishCommit(true); // the running commit may hold offsets of these partitions
            List<PartitionTracker> revoked = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                PartitionTracker t = trackers.get(tp);
                if (t != null) {
                    revoked.add(t);
                }
            }
            if (inTransaction || !revoked.isEmpty()) {
                log.info("[app={}] partitions revoked {}: finishing and committing their work first", app,
                        partitions);
                drainAndCommit(revoked, "revoke");
            }
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty() || failing) {
                return;
            }
            pipeline.transitionIfPossible(Pipeline.State.REBALANCING);
            log.warn("[app={}] partitions lost {}: aborting the open transaction and dropping their work", app,
                    partitions);
            abortQuietly();
            drop(partitions);
        }

        private void drop(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                PartitionTracker t = trackers.remove(tp);
                if (t != null) {
                    bufferedBytes -= t.discard();
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("[app={}] partitions assigned {}", app, new ArrayList<>(partitions));
            }
            if (paused && !partitions.isEmpty()) {
                consumer.pause(partitions);
            }
            if (!stopRequested) {
                pipeline.transitionIfPossible(Pipeline.State.RUNNING);
            }
        }
    }
}
