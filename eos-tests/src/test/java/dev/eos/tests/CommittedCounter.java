package dev.eos.tests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Waits until topics hold, as read_committed readers see them, a number of distinct records. End offsets are
 * no measure of that: aborted records and transaction markers take offsets too.
 */
public final class CommittedCounter implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final Function<String, String> idOf;
    private final Set<String> ids = new HashSet<>();
    private long total;

    /** Counts the distinct {@code idOf(value)} over every partition of {@code topics}. */
    public CommittedCounter(String bootstrap, List<String> topics, Function<String, String> idOf) {
        this.idOf = idOf;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        for (String t : topics) {
            consumer.partitionsFor(t).forEach(p -> tps.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
    }

    /** Reads until {@code n} distinct ids are seen or the timeout passes; returns the count seen. */
    public long awaitDistinct(long n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ids.size() < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                ids.add(idOf.apply(r.value()));
            }
        }
        return ids.size();
    }

    /** Reads until {@code n} records (duplicates included) are seen or the timeout passes; returns the count. */
    public long awaitTotal(long n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (total < n && System.nanoTime() < deadline) {
            total += consumer.poll(Duration.ofMillis(200)).count();
        }
        return total;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
