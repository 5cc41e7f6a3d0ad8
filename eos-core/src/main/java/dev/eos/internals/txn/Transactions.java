package dev.eos.internals.txn;

import dev.eos.EosConfig;
import dev.eos.OutputTopic;
import dev.eos.internals.exec.Work;
import dev.eos.internals.metrics.PipelineMetrics;
import dev.eos.internals.runtime.KafkaClients;
import dev.eos.internals.runtime.Settings;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's transactions: two transactional producers, the open transaction, and the commit running on the
 * committer thread ({@code eos-<app>-commit}) through the {@link CommitProtocol}. Used by the poll thread only,
 * except the committer's job.
 *
 * <p>Transactions overlap: while one commits on the committer thread, outputs go into a new transaction of the
 * other producer, once the committing transaction's outputs are all written ({@link #sendRoom()}), so outputs stay
 * in the order of their inputs. At most one commit runs and transactions commit in the order they began. When a
 * commit fails, the transaction opened behind it is aborted too (it holds outputs of later records) and the
 * {@link Listener} resets every partition. A commit that timed out is retried, never answered with an abort.
 */
public final class Transactions {

    /** Told, on the poll thread, of what became of a transaction. */
    public interface Listener {
        /** A transaction committed these offsets (and its store writes are folded into the stores). */
        void onCommitted(Map<TopicPartition, OffsetAndMetadata> offsets);

        /** Transactions were aborted: every partition must go back to its committed position. */
        void onAborted(boolean fenced);
    }

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private final String app;
    private final Settings settings;
    private final Listener listener;
    private final PipelineMetrics metrics;
    private final ProducerSlot[] slots = new ProducerSlot[2];
    private final RejectedOutputProbe probe = new RejectedOutputProbe();
    private final boolean transactionHeader;
    private final CommitProtocol protocol;
    private final SinkTopics sinks;
    /** The coalesced output topics (empty: none). */
    private final Set<String> coalescedTopics;
    private ExecutorService committer;
    private ProducerSlot current;
    /** The commit running on the committer thread, or null. */
    private CommitJob committing;
    /** When the last commit was handed to the committer (poll thread); start-up counts as one. */
    private long lastCommitStartNanos = System.nanoTime();
    private volatile boolean abandoned;

    /** The transaction outputs go into, or null. */
    private OpenTransaction open;
    private long sequence;
    private int consecutiveAborts;
    private long failures;

    /**
     * @param sinks the topics written to, checked when a send fails as if one were deleted (null: not checked)
     * @param outputs the output topics; of a coalesced one a transaction writes the latest value per key only
     */
    public Transactions(Settings settings, KafkaClients clients, Listener listener, BooleanSupplier stopRequested,
            PipelineMetrics metrics, SinkTopics sinks, Collection<OutputTopic<?, ?>> outputs) {
        this.sinks = sinks;
        this.coalescedTopics = outputs.stream().filter(OutputTopic::isCoalesced).map(OutputTopic::name)
                .collect(Collectors.toUnmodifiableSet());
        this.app = settings.applicationId();
        this.settings = settings;
        this.listener = listener;
        this.metrics = metrics;
        this.transactionHeader = settings.transactionHeader();
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new ProducerSlot(i, settings.transactionalId(i), app, settings.producerConfigs(i), clients,
                    stopRequested, metrics);
        }
        current = slots[0];
        protocol = new KafkaTransactionCommit(app, () -> abandoned);
    }

    /** Creates both producers and the committer thread. */
    public void start() {
        for (ProducerSlot s : slots) {
            s.open();
        }
        committer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "eos-" + app + "-commit");
            t.setDaemon(true);
            return t;
        });
    }

    public boolean isOpen() {
        return open != null;
    }

    public long openAgeMs() {
        return open == null ? 0 : open.ageMs();
    }

    /** Milliseconds since the last commit started (since start-up when none has). */
    public long sinceLastCommitMs() {
        return (System.nanoTime() - lastCommitStartNanos) / 1_000_000L;
    }

    public int openRecords() {
        return open == null ? 0 : open.records;
    }

    public boolean isCommitting() {
        return committing != null;
    }

    /**
     * The number of partitions of {@code topic} as a producer's metadata has it, or -1 when unknown (no producer yet,
     * or the producer cannot say). Costs nothing once the topic is in the producer's metadata cache. Any thread.
     */
    public int partitionCount(String topic) {
        for (ProducerSlot s : slots) {
            Producer<byte[], byte[]> p = s == null ? null : s.producer;
            if (p != null) {
                try {
                    return p.partitionsFor(topic).size();
                } catch (RuntimeException closedOrUnknown) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /**
     * The store writes of the open and the committing transaction, in bytes: sent, but in memory until they are
     * folded or aborted. Poll thread.
     */
    public long stateBytes() {
        CommitJob job = committing;
        return (open == null ? 0 : open.state.bytes()) + (job == null || job.state == null ? 0 : job.state.bytes());
    }

    /**
     * How many completed records may be sent now: any number while no commit runs; while one runs, none until its
     * transaction's outputs are all written, then as many as keep the open transaction within
     * {@code commit.max.records} (a commit that retries for long must not let it grow until the producer's
     * {@code buffer.memory} blocks the poll thread; the records that wait count against max.in.flight.*).
     */
    public int sendRoom() {
        CommitJob job = committing;
        if (job == null) {
            return Integer.MAX_VALUE;
        }
        return job.flushed ? Math.max(0, settings.commitMaxRecords() - openRecords()) : 0;
    }

    /**
     * The output a confirmed-rejected record must not send, or null: the caller applies the failure action and
     * sends what it returns instead.
     */
    public Exception takeRejection(Work w) {
        return probe.takeConfirmed(w);
    }

    /** Sends the outputs of a completed record into the open transaction (beginning it if needed). */
    public void send(Work w) {
        if (open == null) {
            sequence++;
            open = new OpenTransaction(current, transactionHeader ? current.transactionalId + ":" + current.session
                    + ":" + sequence : null, probe, app, coalescedTopics.isEmpty() ? null
                    : new CoalescedOutputs(coalescedTopics, settings.coalesceMaxBytes()));
        }
        open.send(w);
    }

    /**
     * Hands the open transaction to the committer thread and moves sending to the other producer;
     * {@link #finishCommit} applies the outcome. Does nothing while another commit runs.
     *
     * @param group the consumer's group metadata, read on the poll thread
     */
    public void commit(String reason, Supplier<ConsumerGroupMetadata> group) {
        if (open == null || committing != null) {
            return;
        }
        long replaced = open.sendCoalesced();
        if (replaced > 0) {
            metrics.coalesced(replaced);
        }
        Exception failedSend = open.sendError.get();
        if (failedSend != null) {
            // classified as itself: fencing or an authorization error seen by a send is what it is
            onFailure(null, failedSend instanceof KafkaException ? failedSend
                    : new KafkaException("An output record was rejected: " + failedSend, failedSend));
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = open.offsets();
        ConsumerGroupMetadata metadata = offsets.isEmpty() ? null : group.get();
        CommitJob job = new CommitJob(current, reason, offsets, open.records, open.state);
        committing = job;
        lastCommitStartNanos = System.nanoTime();
        current = current == slots[0] ? slots[1] : slots[0];
        clearOpen();
        committer.execute(() -> {
            Throwable outcome = null;
            try {
                protocol.commit(job, metadata);
            } catch (Throwable e) {
                outcome = e;
            }
            job.finish(outcome);
        });
    }

    /** Commits the open transaction and waits for the outcome (after any running commit). */
    public void commitNow(String reason, Supplier<ConsumerGroupMetadata> group) {
        finishCommit(true);
        commit(reason, group);
        finishCommit(true);
    }

    /**
     * Applies the outcome of the running commit, if it is done or {@code wait} is set. The wait observes
     * {@link #abandon()}.
     */
    public void finishCommit(boolean wait) {
        CommitJob job = committing;
        if (job == null) {
            return;
        }
        if (!job.isDone()) {
            if (!wait) {
                return;
            }
            try {
                while (!job.await(100)) {
                    if (abandoned) {
                        throw new StopRequestedException("close timed out while a commit was running");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StopRequestedException("interrupted while a commit was running");
            }
        }
        committing = null;
        Throwable error = job.error;
        if (error == null) {
            if (log.isDebugEnabled()) {
                log.debug("[app={}] committed {} record(s) ({}): {}", app, job.records, job.reason, job.offsets);
            }
            consecutiveAborts = 0;
            probe.takeProgress();
            metrics.committed(System.nanoTime() - job.startNanos);
            listener.onCommitted(job.offsets);
        } else if (error instanceof Error) {
            throw (Error) error;
        } else if (error instanceof StopRequestedException) {
            throw (StopRequestedException) error;
        } else {
            onFailure(job.slot, (Exception) error);
        }
    }

    /**
     * A transaction cannot commit: the one of {@code failed} (whose commit failed) or, if null, the open one.
     * Both are aborted and every partition is reset. A fenced producer is replaced (the listener rejoins the
     * group); authorization and version errors are fatal.
     */
    private void onFailure(ProducerSlot failed, Exception failure) {
        if (failure instanceof ProducerFencedException || failure instanceof InvalidProducerEpochException
                || failure instanceof InvalidPidMappingException) {
            log.warn("[app={}] producer fenced ({}); discarding the open transaction, replacing the producer and "
                    + "rewinding to the committed positions", app, failure.toString());
            ProducerSlot fenced = failed == null ? current : failed;
            metrics.fenced();
            metrics.aborted(failed != null && open != null ? 2 : 1);
            fenced.close(Duration.ZERO);
            if (fenced != current && open != null) {
                current.abortOrReplace();
            }
            clearOpen();
            listener.onAborted(true);
            countAbort((KafkaException) failure);
            fenced.replace();
        } else if (failure instanceof AuthorizationException || failure instanceof AuthenticationException
                || failure instanceof UnsupportedVersionException || !(failure instanceof KafkaException)) {
            throw failure instanceof RuntimeException ? (RuntimeException) failure
                    : new KafkaException("Commit failed: " + failure, failure);
        } else {
            if (sinks != null) {
                sinks.failIfGone(failure);
            }
            log.warn("[app={}] transaction aborted ({}); rewinding to the committed positions to retry", app,
                    failure.toString());
            if (failed != null) {
                metrics.aborted(1);
                failed.abortOrReplace();
            }
            abortOpen();
            listener.onAborted(false);
            countAbort((KafkaException) failure);
        }
    }

    /** Failed transactions since start (each failure counts once, however many transactions it aborted). */
    public long failures() {
        return failures;
    }

    private void countAbort(KafkaException cause) {
        failures++;
        if (probe.takeProgress()) {
            return; // this abort found the record at fault: progress, not a loop
        }
        consecutiveAborts++;
        if (consecutiveAborts >= settings.maxConsecutiveAborts()) {
            throw new KafkaException(consecutiveAborts + " transactions in a row aborted (limit "
                    + EosConfig.MAX_ABORTS_CONFIG + "=" + settings.maxConsecutiveAborts() + "); last cause: " + cause,
                    cause);
        }
    }

    /** Waits for a running commit, then aborts the open transaction, if any. */
    public void abortAll() {
        finishCommit(true);
        abortOpen();
    }

    /** Aborts the open transaction, if any, replacing its producer if it cannot abort. */
    public void abortOpen() {
        if (open != null) {
            metrics.aborted(1);
            current.abortOrReplace();
        }
        clearOpen();
    }

    private void clearOpen() {
        open = null;
    }

    /** Forgets the rejected-output suspicions of partitions that are revoked or lost. */
    public void forget(Collection<TopicPartition> partitions) {
        probe.forget(partitions);
    }

    /** {@code close(timeout)} ran out: waits and retries of commits end, and nothing more is aborted. */
    public void abandon() {
        abandoned = true;
    }

    public boolean abandoned() {
        return abandoned;
    }

    /**
     * Closes the producers. After a failure the open transaction is aborted first; after {@link #abandon()} it is
     * left for the broker to abort after transaction.timeout.ms.
     */
    public void close(boolean failed) {
        if (committer != null) {
            committer.shutdownNow();
        }
        if (failed && open != null && !abandoned && current.producer != null) {
            try {
                current.producer.abortTransaction();
            } catch (RuntimeException e) {
                log.debug("[app={}] abort on failure: {}", app, e.toString());
            }
        }
        Duration timeout = failed || abandoned ? Duration.ZERO : Duration.ofSeconds(10);
        for (ProducerSlot s : slots) {
            s.close(timeout);
        }
        open = null;
    }
}
