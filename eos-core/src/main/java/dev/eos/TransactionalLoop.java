package dev.eos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
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
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner thread of a pipeline: holds the consumer, drives the transactional producer, and keeps the
 * invariant of DESIGN.md section 3. A transaction holds the outputs of a run of input records and the offsets
 * just past them; it commits every {@code commit.interval.ms} or {@code commit.max.records}. After an abort,
 * every partition consumed in the transaction is rewound to the first offset it read in it, so the records are
 * processed again and nothing is skipped.
 */
final class TransactionalLoop<K, V> implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TransactionalLoop.class);

    private final EosConfig config;
    private final String app;
    private final List<String> inputTopics;
    private final Map<String, OutputTopic<?, ?>> outputTopics;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final Processor<K, V> processor;
    private final Pipeline<K, V> pipeline;

    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private volatile boolean stopRequested;

    // the open transaction
    private boolean inTransaction;
    private long transactionStartNanos;
    private int transactionRecords;
    private final Map<TopicPartition, Long> firstOffsetInTransaction = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> nextOffsets = new HashMap<>();
    private final AtomicReference<Exception> sendError = new AtomicReference<>();
    private int consecutiveAborts;

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
            producer = newProducer();
            consumer = new KafkaConsumer<>(config.consumerConfigs(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            if (stopRequested) {
                return;
            }
            consumer.subscribe(inputTopics, new Rebalance());
            pipeline.transitionIfPossible(Pipeline.State.RUNNING);
            log.info("[app={}] running as transactional id {} on {}", app, config.transactionalId(), inputTopics);
            while (!stopRequested) {
                pollOnce();
            }
            if (inTransaction) {
                commit("close");
            }
        } catch (WakeupException e) {
            if (!stopRequested) {
                fatal = e;
            } else if (inTransaction) {
                try {
                    commit("close");
                } catch (RuntimeException commitFailure) {
                    fatal = commitFailure;
                }
            }
        } catch (Throwable e) {
            fatal = e;
        } finally {
            if (fatal == null) {
                pipeline.transitionIfPossible(Pipeline.State.STOPPING);
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

    private KafkaProducer<byte[], byte[]> newProducer() {
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(config.producerConfigs(), new ByteArraySerializer(),
                new ByteArraySerializer());
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

    private void pollOnce() {
        long timeoutMs = inTransaction
                ? Math.max(0, config.commitIntervalMs() - elapsedMs())
                : Math.max(config.commitIntervalMs(), 100);
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(timeoutMs));
        rewoundInBatch.clear();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (stopRequested) {
                // records not processed yet are not marked consumed: the next owner reads them
                return;
            }
            if (rewoundInBatch.contains(new TopicPartition(r.topic(), r.partition()))) {
                continue; // read again from the rewound position
            }
            process(r);
            if (transactionRecords >= config.commitMaxRecords()) {
                commit("max records");
            }
        }
        if (inTransaction && elapsedMs() >= config.commitIntervalMs()) {
            commit("interval");
        }
    }

    /**
     * Partitions rewound while the current poll batch is being processed: their remaining records in the
     * batch are past the rewind point and are skipped, to be fetched again.
     */
    private final Set<TopicPartition> rewoundInBatch = new HashSet<>();

    private long elapsedMs() {
        return (System.nanoTime() - transactionStartNanos) / 1_000_000L;
    }

    /** Processes one record inside the open transaction. */
    private void process(ConsumerRecord<byte[], byte[]> raw) {
        TopicPartition tp = new TopicPartition(raw.topic(), raw.partition());
        beginIfNeeded();
        K key;
        V value;
        try {
            key = keyDeserializer.deserialize(raw.topic(), raw.headers(), raw.key());
            value = valueDeserializer.deserialize(raw.topic(), raw.headers(), raw.value());
        } catch (RuntimeException e) {
            abortQuietly();
            throw new ProcessingException("Cannot deserialize the key or value: " + e, raw.topic(),
                    raw.partition(), raw.offset(), e);
        }
        ConsumerRecord<K, V> record = new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(),
                raw.timestamp(), raw.timestampType(), raw.serializedKeySize(), raw.serializedValueSize(), key, value,
                raw.headers(), raw.leaderEpoch());
        RecordEmitter emitter = new RecordEmitter(raw);
        try {
            processor.process(record, emitter);
        } catch (Exception e) {
            abortQuietly();
            throw new ProcessingException("The processor failed: " + e, raw.topic(), raw.partition(), raw.offset(),
                    e);
        } finally {
            emitter.closed = true;
        }
        firstOffsetInTransaction.putIfAbsent(tp, raw.offset());
        nextOffsets.put(tp, new OffsetAndMetadata(raw.offset() + 1));
        transactionRecords++;
    }

    private void beginIfNeeded() {
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
            transactionStartNanos = System.nanoTime();
            transactionRecords = 0;
            sendError.set(null);
        }
    }

    /**
     * Commits the open transaction with the offsets of the records processed in it. On an abortable error the
     * transaction is aborted and the partitions rewound; on fencing the producer is replaced.
     */
    private void commit(String reason) {
        if (!inTransaction) {
            return;
        }
        try {
            Exception failedSend = sendError.get();
            if (failedSend != null) {
                throw new KafkaException("An output record was rejected: " + failedSend, failedSend);
            }
            if (!nextOffsets.isEmpty()) {
                producer.sendOffsetsToTransaction(new HashMap<>(nextOffsets), consumer.groupMetadata());
            }
            commitWithRetry();
            if (log.isDebugEnabled()) {
                log.debug("[app={}] committed {} record(s) ({}): {}", app, transactionRecords, reason, nextOffsets);
            }
            consecutiveAborts = 0;
            clearTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | InvalidPidMappingException e) {
            log.warn("[app={}] producer fenced ({}); discarding the open transaction, replacing the producer and "
                    + "rewinding {}", app, e.toString(), firstOffsetInTransaction.keySet());
            closeProducerQuietly();
            rewindAndClear();
            countAbort(e);
            producer = newProducer();
            try {
                consumer.enforceRebalance("transactional producer was fenced");
            } catch (RuntimeException rejoinFailure) {
                log.debug("[app={}] enforceRebalance: {}", app, rejoinFailure.toString());
            }
        } catch (AuthorizationException | AuthenticationException | UnsupportedVersionException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("[app={}] transaction aborted ({}); rewinding {} to retry", app, e.toString(),
                    firstOffsetInTransaction.keySet());
            abortQuietly();
            countAbort(e);
        }
    }

    private void commitWithRetry() {
        while (true) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                // the commit may have gone through: retrying is safe, aborting is not
                log.warn("[app={}] commitTransaction timed out, retrying: {}", app, e.getMessage());
            }
        }
    }

    private void countAbort(KafkaException cause) {
        consecutiveAborts++;
        if (consecutiveAborts >= config.maxConsecutiveAborts()) {
            throw new KafkaException(consecutiveAborts + " transactions in a row aborted (limit "
                    + EosConfig.MAX_ABORTS_CONFIG + "=" + config.maxConsecutiveAborts() + "); last cause: " + cause,
                    cause);
        }
    }

    /** Aborts the open transaction (replacing the producer if it cannot abort) and rewinds. */
    private void abortQuietly() {
        if (!inTransaction) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            log.warn("[app={}] abortTransaction failed ({}); replacing the producer", app, e.toString());
            closeProducerQuietly();
            if (!stopRequested) {
                producer = newProducer();
            }
        }
        rewindAndClear();
    }

    private void rewindAndClear() {
        Set<TopicPartition> owned = consumer.assignment();
        firstOffsetInTransaction.forEach((tp, offset) -> {
            if (owned.contains(tp)) {
                consumer.seek(tp, offset);
                rewoundInBatch.add(tp);
            }
        });
        clearTransaction();
    }

    private void clearTransaction() {
        inTransaction = false;
        transactionRecords = 0;
        firstOffsetInTransaction.clear();
        nextOffsets.clear();
        sendError.set(null);
    }

    private void closeProducerQuietly() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("[app={}] closing the producer: {}", app, e.toString());
        }
    }

    private void closeClients(boolean failed) {
        if (producer != null) {
            if (failed && inTransaction) {
                try {
                    producer.abortTransaction();
                } catch (RuntimeException e) {
                    log.debug("[app={}] abort on failure: {}", app, e.toString());
                }
            }
            try {
                producer.close(Duration.ofSeconds(failed ? 0 : 10));
            } catch (RuntimeException e) {
                log.debug("[app={}] closing the producer: {}", app, e.toString());
            }
        }
        if (consumer != null) {
            try {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                log.debug("[app={}] closing the consumer: {}", app, e.toString());
            }
        }
    }

    /** Sends a processor's outputs into the open transaction. */
    private final class RecordEmitter implements Emitter {
        private final ConsumerRecord<byte[], byte[]> source;
        volatile boolean closed;

        RecordEmitter(ConsumerRecord<byte[], byte[]> source) {
            this.source = source;
        }

        @Override
        public <OK, OV> void emit(OutputTopic<OK, OV> topic, OK key, OV value, Headers headers) {
            if (closed) {
                throw new IllegalStateException("emit() called after process() returned for "
                        + source.topic() + "-" + source.partition() + "@" + source.offset());
            }
            if (topic == null || outputTopics.get(topic.name()) != topic) {
                throw new IllegalArgumentException("Output topic " + (topic == null ? null : "'" + topic.name()
                        + "'") + " is not declared on this pipeline; declared: " + outputTopics.keySet());
            }
            Headers h = headers == null ? new org.apache.kafka.common.header.internals.RecordHeaders() : headers;
            byte[] k = topic.keySerializer().serialize(topic.name(), h, key);
            byte[] v = topic.valueSerializer().serialize(topic.name(), h, value);
            producer.send(new ProducerRecord<>(topic.name(), null, null, k, v, h), (md, e) -> {
                if (e != null) {
                    sendError.compareAndSet(null, e);
                }
            });
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            pipeline.transitionIfPossible(Pipeline.State.REBALANCING);
            if (inTransaction) {
                log.info("[app={}] partitions revoked {}: committing the open transaction first", app, partitions);
                commit("revoke");
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            pipeline.transitionIfPossible(Pipeline.State.REBALANCING);
            if (inTransaction) {
                log.warn("[app={}] partitions lost {}: aborting the open transaction", app, partitions);
                abortQuietly();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("[app={}] partitions assigned {}", app, new ArrayList<>(partitions));
            }
            if (!stopRequested) {
                pipeline.transitionIfPossible(Pipeline.State.RUNNING);
            }
        }
    }
}
