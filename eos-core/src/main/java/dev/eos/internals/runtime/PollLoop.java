package dev.eos.internals.runtime;

import dev.eos.Ordering;
import dev.eos.AsyncProcessor;
import dev.eos.OutputTopic;
import dev.eos.Pipeline.State;
import dev.eos.ProcessingException;
import dev.eos.StoreDefinition;
import dev.eos.internals.exec.AttemptWatchdog;
import dev.eos.internals.exec.Declared;
import dev.eos.internals.exec.Dispatcher;
import dev.eos.internals.exec.OrderingKey;
import dev.eos.internals.exec.RecordContext;
import dev.eos.internals.exec.RecordRunner;
import dev.eos.internals.exec.Work;
import dev.eos.internals.failure.FailurePolicy;
import dev.eos.internals.flow.InFlightLimits;
import dev.eos.internals.metrics.LiveStatus;
import dev.eos.internals.metrics.PipelineMetrics;
import dev.eos.internals.state.ChangelogTopics;
import dev.eos.internals.state.StateManager;
import dev.eos.internals.txn.StopRequestedException;
import dev.eos.internals.txn.SinkTopics;
import dev.eos.internals.txn.Transactions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread ({@code eos-<app>-poll}) of a pipeline: it owns the consumer, takes records into their
 * partition's {@link PartitionTracker}, hands them to the {@link Dispatcher}, takes back the completed ones, sends
 * each partition's completed prefix into the open transaction ({@link Transactions}), decides when to commit, and
 * pauses partitions over their share of the in-flight limits ({@link BackPressure}). Rebalances are handled by
 * {@link RebalanceHandler}; each assigned partition is owned by its {@link PartitionTask} in {@link PartitionTasks}.
 *
 * @param <K> input key type
 * @param <V> input value type
 */
public final class PollLoop<K, V> implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    /** How often local state of partitions no longer owned is looked at for deletion. */
    private static final long CLEANUP_CHECK_MS = 30_000;

    final String app;
    final Settings settings;
    private final List<String> inputTopics;
    private final KafkaClients clients;
    final Lifecycle lifecycle;
    private final AsyncProcessor<K, V> processor;
    private final Map<String, OutputTopic<?, ?>> outputTopics;
    private final Ordering ordering;
    private final FailurePolicy failures;
    private final InFlightLimits limits;
    private final RecordRunner<K, V> runner;
    private final AttemptWatchdog watchdog;
    final ConcurrentLinkedQueue<Work> completions = new ConcurrentLinkedQueue<>();
    final PipelineMetrics metrics;
    private final LiveStatus status;

    Consumer<byte[], byte[]> consumer;
    volatile Transactions transactions;
    Dispatcher dispatcher;
    PartitionTasks partitions;
    private BackPressure backPressure;
    private CommitSchedule schedule;
    private InputStatus inputStatus;
    private long lastCleanUpMs;
    /** The local state, or null for a stateless pipeline. */
    StateManager state;
    private final Map<String, StoreDefinition<?, ?>> stores;
    private final Map<String, ChangelogTopics.Changelog> changelogs;
    private volatile boolean stopRequested;
    private volatile boolean starting = true;
    private volatile Thread thread;
    /** Set once the final commit is done or the loop failed: rebalance callbacks of the closing consumer only drop. */
    volatile boolean closing;
    /** Records taken and not yet completed by a worker. */
    private int running;

    public PollLoop(Settings settings, List<String> inputTopics, Map<String, OutputTopic<?, ?>> outputTopics,
            Map<String, StoreDefinition<?, ?>> stores, Map<String, ChangelogTopics.Changelog> changelogs,
            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, AsyncProcessor<K, V> processor,
            Lifecycle lifecycle, KafkaClients clients, PipelineMetrics metrics, LiveStatus status) {
        this.app = settings.applicationId();
        this.settings = settings;
        this.inputTopics = inputTopics;
        this.outputTopics = outputTopics;
        this.clients = clients;
        this.lifecycle = lifecycle;
        this.processor = processor;
        this.ordering = settings.ordering();
        this.stores = stores;
        this.changelogs = changelogs;
        this.metrics = metrics;
        this.status = status;
        this.failures = new FailurePolicy(app, settings.failureAction(), settings.deadLetterTopic(), metrics);
        this.limits = new InFlightLimits(settings.maxInFlightRecords(), settings.maxInFlightBytes());
        this.watchdog = settings.processingWarnMs() > 0 || settings.processingTimeoutMs() > 0
                ? new AttemptWatchdog(app, settings.processingWarnMs(), settings.processingTimeoutMs(), System::nanoTime)
                : null;
        this.runner = new RecordRunner<>(app, settings.instanceId(), keyDeserializer, valueDeserializer, processor,
                outputTopics, settings.retryPolicy(), failures, watchdog, settings.processingTimeoutMs(),
                completions::add, metrics, settings.provenanceHeaders(), stores,
                topic -> transactions == null ? -1 : transactions.partitionCount(topic));
    }

    /** Asks the loop to stop: commit what completed, close the clients. Any thread. */
    public void requestStop() {
        stopRequested = true;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (starting && t != null) {
            t.interrupt(); // initTransactions waits up to max.block.ms when the brokers do not answer
        }
    }

    /** {@code close(timeout)} ran out: commit waits and retries end, and nothing more is aborted. */
    public void abandon() {
        Transactions t = transactions;
        if (t != null) {
            t.abandon();
        }
        requestStop();
    }

    boolean stopRequested() {
        return stopRequested;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        Throwable fatal = null;
        try {
            processor.init(RecordContext.forInit(outputTopics, app, settings.instanceId()));
            if (!stores.isEmpty()) {
                state = new StateManager(app, stores, changelogs, settings.stateDir(), settings.stateMemoryBytes(),
                        settings.stateCleanupDelayMs());
                state.start(clients.consumer(settings.restoreConsumerConfigs("read_committed", "restore")),
                        clients.consumer(settings.restoreConsumerConfigs("read_uncommitted", "restore-watermarks")));
            }
            consumer = clients.consumer(settings.consumerConfigs());
            dispatcher = new Dispatcher("eos-" + app, settings.concurrency(), runner, watchdog);
            partitions = new PartitionTasks(app, status, state, consumer, dispatcher,
                    Declared.sinkOf(outputTopics.values()));
            backPressure = new BackPressure(limits, dispatcher::abandonedStages, () -> transactions.stateBytes());
            inputStatus = new InputStatus(status);
            transactions = new Transactions(settings, clients, partitions, this::stopRequested, metrics,
                    new SinkTopics(outputTopics.keySet(), changelogs.keySet(), clients, settings, this::stopRequested),
                    outputTopics.values());
            transactions.start();
            schedule = new CommitSchedule(settings, transactions);
            metrics.bindConsumer(consumer);
            metrics.bindStatus(status);
            starting = false;
            Thread.interrupted(); // an interrupt aimed at the start-up is not for the loop
            if (stopRequested) {
                return;
            }
            consumer.subscribe(inputTopics, new RebalanceHandler(this));
            lifecycle.transitionIfPossible(State.RUNNING);
            log.info("[app={}] running as transactional ids {} on {} ({} order, {} workers)", app,
                    settings.transactionalIds(), inputTopics, ordering, settings.concurrency());
            while (!stopRequested) {
                try {
                    iterate();
                } catch (WakeupException e) {
                    if (!stopRequested) {
                        throw e;
                    }
                } catch (UnknownMemberIdException e) { // the coordinator fenced this member: it rejoins by itself
                    log.warn("[app={}] the group coordinator no longer knows this member ({}); aborting the open "
                            + "transaction, rewinding and rejoining", app, e.getMessage());
                    abortAndReset();
                }
            }
            lifecycle.transitionIfPossible(State.STOPPING);
            drainAndCommit(partitions.all(), "close");
        } catch (Throwable e) {
            if (stopRequested && StopRequestedException.isStop(e)) {
                log.info("[app={}] stopped before the work in flight was committed: {}", app, e.getMessage());
            } else {
                fatal = e;
            }
        } finally {
            shutDown(fatal);
        }
    }

    private void shutDown(Throwable fatal) {
        closing = true;
        starting = false;
        if (fatal == null) {
            lifecycle.transitionIfPossible(State.STOPPING);
        }
        if (dispatcher != null) {
            dispatcher.shutdownNow();
            try {
                dispatcher.awaitTermination(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean abandoned = transactions != null && transactions.abandoned();
        if (consumer != null) {
            try { // before the producers: its revoke callback must find nothing to send
                consumer.close(CloseOptions.timeout(abandoned ? Duration.ZERO : Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                log.debug("[app={}] closing the consumer: {}", app, e.toString());
            }
        }
        if (transactions != null) {
            transactions.close(fatal != null);
        }
        if (partitions != null) {
            // a clean close (flushed) only after a clean stop: after a failure or an abandoned close the stores stay
            // as their last fold left them, described by their own positions
            partitions.closeAll(fatal == null && !abandoned);
        } else if (state != null) {
            state.close(false);
        }
        if (abandoned) {
            log.warn("[app={}] close timed out: producers closed without committing or aborting; the broker aborts "
                    + "their open transaction after transaction.timeout.ms ({} ms)", app,
                    settings.transactionTimeoutMs());
        }
        try {
            processor.close();
        } catch (Exception e) {
            log.warn("[app={}] processor close() threw", app, e);
        }
        status.stopped(); // nothing is in flight any more: what was not committed is processed again after a restart
        metrics.close();
        if (fatal != null) {
            log.error("[app={}] pipeline failed: {}", app, fatal.toString(), fatal);
            lifecycle.fail(fatal);
        } else {
            lifecycle.transitionIfPossible(State.STOPPED);
        }
    }

    // ------------------------------------------------------------------ one iteration

    private void iterate() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(schedule.pollTimeoutMs(consumer,
                running)));
        partitions.closeSuspended(); // revoked and not assigned back by the rebalance this poll ran
        long now = System.currentTimeMillis();
        if (!records.isEmpty()) {
            List<Work> batch = new ArrayList<>(records.count());
            for (TopicPartition tp : records.partitions()) {
                PartitionTask task = partitions.task(tp);
                List<ConsumerRecord<byte[], byte[]>> taken = records.records(tp);
                task.taken(taken.get(0).offset());
                PartitionTracker t = partitions.trackerFor(task);
                for (ConsumerRecord<byte[], byte[]> r : taken) {
                    batch.add(track(t, r, now));
                }
            }
            dispatcher.submitAll(batch);
        }
        transactions.finishCommit(false);
        partitions.resumeReady();
        drainCompletions();
        advanceAll();
        String commitReason = schedule.due(consumer);
        if (commitReason != null) {
            commit(commitReason);
        }
        backPressure.apply(partitions, consumer);
        inputStatus.refresh(partitions, consumer, backPressure, state, now);
        if (state != null && now - lastCleanUpMs >= CLEANUP_CHECK_MS) {
            lastCleanUpMs = now;
            state.cleanUp(now);
        }
    }

    private Work track(PartitionTracker t, ConsumerRecord<byte[], byte[]> r, long now) {
        Object key;
        switch (ordering) {
            case KEY:
                key = new OrderingKey(t.tp, r.key());
                break;
            case PARTITION:
                key = t.tp;
                break;
            default:
                key = null;
        }
        Work w = new Work(r, t.tp, t.epoch, key);
        w.takenAtMs = now;
        t.add(w);
        running++;
        return w;
    }

    /** Takes the records workers completed; fails the pipeline on a record whose action is STOP, or a misuse. */
    void drainCompletions() {
        RuntimeException misuse = runner.lateMisuse();
        if (misuse != null) {
            abortAndReset();
            throw misuse;
        }
        Work w;
        while ((w = completions.poll()) != null) {
            running--;
            PartitionTracker t = partitions.current(w);
            if (t == null) {
                continue; // its partition was reset or revoked: the result is dropped
            }
            if (w.failure != null && !w.cancelled) {
                abortAndReset();
                throw w.failure;
            }
            t.completed(w);
        }
    }

    /**
     * Sends the outputs of every completed prefix into the open transaction; not before the outputs of a
     * committing transaction are all in the log, so that outputs keep the order of their inputs, and then only up
     * to commit.max.records while that commit runs.
     */
    void advanceAll() {
        int room = transactions.sendRoom(); // bounded while a commit runs
        for (PartitionTracker t : partitions.all()) {
            if (room <= 0) {
                return;
            }
            for (Work w : t.advance(room)) {
                room--;
                Exception rejected = transactions.takeRejection(w);
                if (rejected != null) {
                    log.warn("[app={}] output of {} was rejected by the broker: {}", app, w.coordinates(),
                            rejected.toString());
                    try {
                        w.setOutputs(failures.onFailure(w.raw, rejected, Math.max(1, w.attempts), w.firstFailureMs,
                                w.lastFailureMs));
                    } catch (ProcessingException stop) {
                        abortAndReset();
                        throw stop;
                    }
                }
                transactions.send(w);
            }
        }
    }

    private void commit(String reason) {
        transactions.commit(reason, consumer::groupMetadata);
    }

    /** Waits for a running commit, aborts the open transaction and resets every partition. */
    void abortAndReset() {
        transactions.abortAll();
        partitions.resetAll();
    }

    /**
     * Stops taking new records of these partitions, waits up to {@code drain.timeout.ms} for their running
     * records, then sends what completed and commits.
     */
    void drainAndCommit(List<PartitionTracker> draining, String reason) {
        transactions.finishCommit(true);
        for (PartitionTracker t : draining) {
            t.epoch.acceptingNew = false;
        }
        long deadline = System.nanoTime() + settings.drainTimeoutMs() * 1_000_000L;
        while (draining.stream().anyMatch(PartitionTracker::hasRunning) && System.nanoTime() < deadline
                && !transactions.abandoned()) {
            drainCompletions();
            advanceAll();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StopRequestedException("interrupted while draining");
            }
        }
        drainCompletions();
        advanceAll();
        transactions.commitNow(reason, consumer::groupMetadata);
    }
}
