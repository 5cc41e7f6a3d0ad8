package dev.eos.internals.runtime;

import dev.eos.TransactionalSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the partitions of a pipeline with a {@link TransactionalSink} resume: the sink holds the positions, so a
 * partition is paused from its assignment until the sink has claimed it (taken ownership, fencing earlier owners)
 * and said where it resumes; after an aborted commit, until the sink has said again where it resumes (the outcome
 * of a failed commit may be unknown; positions held in memory are never trusted). A fenced partition is claimed
 * again only if the consumer still holds it after its next poll. When the sink cannot be reached, the partitions
 * stay paused and the call is retried with backoff. After each sink commit, the same offsets are committed to
 * Kafka, for lag monitoring only. Poll thread only.
 */
final class SinkPositions {

    private static final Logger log = LoggerFactory.getLogger(SinkPositions.class);
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(30);

    private final String app;
    private final TransactionalSink sink;
    private final Consumer<byte[], byte[]> consumer;
    private final Set<TopicPartition> toClaim = new LinkedHashSet<>();
    private final Set<TopicPartition> toRead = new LinkedHashSet<>();
    private long backoffMs;
    private long retryAtNanos;

    SinkPositions(String app, TransactionalSink sink, Consumer<byte[], byte[]> consumer) {
        this.app = app;
        this.sink = sink;
        this.consumer = consumer;
    }

    /** Pauses {@code tps} until the sink has claimed them and said where they resume. */
    void claim(Collection<TopicPartition> tps) {
        toClaim.addAll(tps);
        toRead.removeAll(tps);
        AssignedPartitions.pause(consumer, tps);
    }

    /** Pauses {@code tps} until the sink has said again where they resume. */
    void reread(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            if (!toClaim.contains(tp)) {
                toRead.add(tp);
            }
        }
        AssignedPartitions.pause(consumer, tps);
    }

    /** The partitions are gone: nothing to claim or read for them. */
    void forget(Collection<TopicPartition> tps) {
        toClaim.removeAll(tps);
        toRead.removeAll(tps);
    }

    /**
     * Claims and reads what is waiting (those of them the consumer still holds), seeks each partition to the
     * position the sink gave and resumes it; returns those positions. Empty while backing off after a failure.
     *
     * @throws KafkaException if the sink fails with an error that is not retriable
     */
    Map<TopicPartition, Long> resolve() {
        if (toClaim.isEmpty() && toRead.isEmpty() || System.nanoTime() < retryAtNanos) {
            return Map.of();
        }
        Set<TopicPartition> owned = consumer.assignment();
        toClaim.retainAll(owned);
        toRead.retainAll(owned);
        Map<TopicPartition, Long> found = new LinkedHashMap<>();
        try {
            if (!toClaim.isEmpty()) {
                found.putAll(sink.claim(new ArrayList<>(toClaim), tp -> consumer.position(tp, POSITION_TIMEOUT)));
                toClaim.removeAll(found.keySet());
            }
            if (!toRead.isEmpty()) {
                found.putAll(sink.positions(new ArrayList<>(toRead)));
                toRead.removeAll(found.keySet());
            }
            backoffMs = 0;
        } catch (Exception e) {
            if (!(e instanceof RetriableException)) { // Kafka's TimeoutException (consumer.position) is one
                throw e instanceof KafkaException ? (KafkaException) e
                        : new KafkaException("The sink could not say where partitions " + toClaim + " " + toRead
                                + " resume: " + e, e);
            }
            backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, backoffMs * 2));
            retryAtNanos = System.nanoTime() + backoffMs * 1_000_000L;
            log.warn("[app={}] cannot read the positions of {} from the sink, retrying in {} ms: {}", app,
                    union(), backoffMs, e.toString());
        }
        List<TopicPartition> resume = new ArrayList<>();
        found.forEach((tp, position) -> {
            if (AssignedPartitions.seek(consumer, tp, position)) {
                resume.add(tp);
            }
        });
        if (!resume.isEmpty()) {
            AssignedPartitions.resume(consumer, resume);
            log.info("[app={}] positions from the sink: {}", app, found);
        }
        return found;
    }

    /** After a sink commit: the same offsets to Kafka's group, for lag monitoring only (never read back). */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitAsync(offsets, (done, e) -> {
                if (e != null) {
                    log.debug("[app={}] committing the sink's offsets to Kafka for monitoring: {}", app, e.toString());
                }
            });
        } catch (RuntimeException e) {
            log.debug("[app={}] committing the sink's offsets to Kafka for monitoring: {}", app, e.toString());
        }
    }

    private List<TopicPartition> union() {
        List<TopicPartition> all = new ArrayList<>(toClaim);
        all.addAll(toRead);
        return all;
    }
}
