package dev.eos.internals.txn;

import dev.eos.internals.metrics.PipelineMetrics;
import dev.eos.internals.runtime.KafkaClients;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of a pipeline's two transactional producers, under its fixed transactional id. It creates the producer
 * (retrying {@code initTransactions} while the brokers do not answer, until a stop is requested), and replaces it
 * when it was fenced or cannot abort.
 */
final class ProducerSlot {

    private static final Logger log = LoggerFactory.getLogger(ProducerSlot.class);

    final int index;
    final String transactionalId;
    private final String app;
    private final Map<String, Object> configs;
    private final KafkaClients clients;
    private final BooleanSupplier stopRequested;
    private final PipelineMetrics metrics;
    /** Written by the poll and committer threads; read by workers too ({@link Transactions#partitionCount}). */
    volatile Producer<byte[], byte[]> producer;
    /** Changes with each new producer; part of the transaction tag. */
    String session = "";

    ProducerSlot(int index, String transactionalId, String app, Map<String, Object> configs, KafkaClients clients,
            BooleanSupplier stopRequested, PipelineMetrics metrics) {
        this.index = index;
        this.transactionalId = transactionalId;
        this.app = app;
        this.configs = configs;
        this.clients = clients;
        this.stopRequested = stopRequested;
        this.metrics = metrics;
    }

    /**
     * Creates the producer and initializes its transactions.
     *
     * @throws StopRequestedException if a stop was requested while the brokers did not answer
     */
    void open() {
        session = UUID.randomUUID().toString().substring(0, 8);
        Producer<byte[], byte[]> p = clients.producer(configs);
        while (true) {
            try {
                p.initTransactions();
                producer = p;
                metrics.bindProducer(index, p);
                return;
            } catch (TimeoutException e) {
                if (stopRequested.getAsBoolean()) {
                    closeQuietly(p);
                    throw new StopRequestedException("stopped while initializing transactional id " + transactionalId);
                }
                log.warn("[app={}] initTransactions of {} timed out, retrying: {}", app, transactionalId,
                        e.getMessage());
            } catch (RuntimeException e) {
                closeQuietly(p);
                throw e;
            }
        }
    }

    /** Closes the producer at once and opens a new one, unless a stop was requested. */
    void replace() {
        closeQuietly(producer);
        producer = null;
        if (!stopRequested.getAsBoolean()) {
            open();
        }
    }

    /** Aborts this producer's transaction, replacing the producer if it cannot abort. */
    void abortOrReplace() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            log.warn("[app={}] abortTransaction of {} failed ({}); replacing the producer", app, transactionalId,
                    e.toString());
            replace();
        }
    }

    void close(Duration timeout) {
        if (producer == null) {
            return;
        }
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            log.debug("[app={}] closing producer {}: {}", app, transactionalId, e.toString());
        }
        producer = null;
    }

    private void closeQuietly(Producer<byte[], byte[]> p) {
        if (p == null) {
            return;
        }
        try {
            p.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("[app={}] closing producer {}: {}", app, transactionalId, e.toString());
        }
    }
}
