package dev.eos.internals.txn;

import dev.eos.EosConfig;
import dev.eos.OutputTopic;
import dev.eos.SinkFencedException;
import dev.eos.TransactionalSink;
import dev.eos.internals.exec.Declared;
import dev.eos.internals.exec.Work;
import dev.eos.internals.metrics.PipelineMetrics;
import dev.eos.internals.runtime.KafkaClients;
import dev.eos.internals.runtime.Settings;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
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
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's transactions: two transactional producers (none when the results go to a
 * {@link TransactionalSink}), the open transaction, and the commit running on the {@link Committer} thread through
 * the {@link CommitProtocol}. Used by the poll thread only, except the committer's job.
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

        /** The sink refused a commit: another owner holds these partitions now (called before onAborted). */
        void onSinkFenced(Set<TopicPartition> partitions);
    }

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private final String app;
    private final Settings settings;
    private final Listener listener;
    private final PipelineMetrics metrics;
    private final ProducerSlot[] slots = new ProducerSlot[2];
    private final RejectedOutputProbe probe = new RejectedOutputProbe();
    private final boolean transactionHeader;
    private final Committer committer;
    /** Where the results go instead of Kafka, or null. */
    private final TransactionalSink sink;
    private final SinkTopics sinks;
    /** The coalesced output topics (empty: none). */
    private final Set<String> coalescedTopics;
    /** The producer of the next transaction; null for a sink. */
    private ProducerSlot current;
    private volatile boolean abandoned;

    /** The transaction outputs go into, or null. */
    private OpenTransaction open;
    private long sequence;
    private int consecutiveAborts;
    private long failures;

    /**
     * @param sinks the topics written to, checked when a send fails as if one were deleted (null: not checked)
     * @param outputs the output topics; of a coalesced one a transaction writes the latest value per key only; a
     *     sink among them takes every result instead of the producers
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
        this.sink = Declared.sinkOf(outputs);
        for (int i = 0; i < slots.length && sink == null; i++) {
            slots[i] = new ProducerSlot(i, settings.transactionalId(i), app, settings.producerConfigs(i), clients,
                    stopRequested, metrics);
        }
        current = slots[0];
        committer = new Committer(app, sink == null ? new KafkaTransactionCommit(app, () -> abandoned)
                : new SinkCommit(sink), () -> abandoned);
    }

    /** Creates both producers (or opens the sink) and the committer thread. */
    public void start() throws Exception {
        if (sink != null) {
            sink.open(app, settings.failureAction(), metrics.registry());
        }
        for (ProducerSlot s : slots) {
            if (s != null) {
                s.open();
            }
        }
        committer.start();
    }

    public boolean isOpen() {
        return open != null;
    }

    public long openAgeMs() {
        return open == null ? 0 : open.ageMs();
    }

    /** Milliseconds since the last commit started (since start-up when none has). */
    public long sinceLastCommitMs() {
        return committer.sinceLastStartMs();
    }

    public int openRecords() {
        return open == null ? 0 : open.records;
    }

    public boolean isCommitting() {
        return committer.running() != null;
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
        CommitJob job = committer.running();
        return (open == null ? 0 : open.state.bytes()) + (job == null || job.state == null ? 0 : job.state.bytes());
    }

    /**
     * How many completed records may be sent now: any number while no commit runs; while one runs, none until its
     * transaction's outputs are all written, then as many as keep the open transaction within
     * {@code commit.max.records} (a commit that retries for long must not let it grow until the producer's
     * {@code buffer.memory} blocks the poll thread; the records that wait count against max.in.flight.*).
     */
    public int sendRoom() {
        CommitJob job = committer.running();
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
            String tag = transactionHeader && current != null
                    ? current.transactionalId + ":" + current.session + ":" + sequence : null;
            open = new OpenTransaction(current, tag, probe, app, coalescedTopics.isEmpty() ? null
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
        if (open == null || committer.running() != null) {
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
        ConsumerGroupMetadata metadata = offsets.isEmpty() || sink != null ? null : group.get();
        CommitJob job = new CommitJob(current, reason, offsets, open.records, open.state, open.kept);
        current = current == slots[0] ? slots[1] : slots[0];
        clearOpen();
        committer.submit(job, metadata);
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
        CommitJob job = committer.takeFinished(wait);
        if (job == null) {
            return;
        }
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
                || failure instanceof UnsupportedVersionException || !(failure instanceof KafkaException)
                || sink != null && !(failure instanceof RetriableException || failure instanceof SinkFencedException)) {
            throw failure instanceof RuntimeException ? (RuntimeException) failure
                    : new KafkaException("Commit failed: " + failure, failure);
        } else {
            if (sinks != null) {
                sinks.failIfGone(failure);
            }
            log.warn("[app={}] transaction aborted ({}); rewinding to the committed positions to retry", app,
                    failure.toString());
            if (failed != null) {
                failed.abortOrReplace();
            }
            if (failed != null || sink != null) {
                metrics.aborted(1);
            }
            if (failure instanceof SinkFencedException) {
                metrics.fenced();
                listener.onSinkFenced(((SinkFencedException) failure).partitions());
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
            if (current != null) {
                current.abortOrReplace();
            }
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
        committer.shutdown();
        if (sink != null) {
            sink.close();
        }
        if (failed && open != null && !abandoned && current != null && current.producer != null) {
            try {
                current.producer.abortTransaction();
            } catch (RuntimeException e) {
                log.debug("[app={}] abort on failure: {}", app, e.toString());
            }
        }
        Duration timeout = failed || abandoned ? Duration.ZERO : Duration.ofSeconds(10);
        for (ProducerSlot s : slots) {
            if (s != null) {
                s.close(timeout);
            }
        }
        open = null;
    }
}
