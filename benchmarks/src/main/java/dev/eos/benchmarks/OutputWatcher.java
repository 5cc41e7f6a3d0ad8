package dev.eos.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The verifier of the end-to-end benchmark, the same for every contender: reads the output topic with
 * read_committed as it is written, maps each output to its input id, and records the time of the first and
 * last output, duplicates, and the end-to-end latency (read time minus the send time carried in the value).
 */
final class OutputWatcher implements AutoCloseable {
    private final long expected;
    private final BitSet seen;
    private final long[] latencies;
    private int latencyCount;
    /** Of outputs stamped with {@link Scenario#PROCESSED_HEADER}: input sent to processed, processed to read. */
    private final long[] toProcessed;
    private final long[] processedToRead;
    private int stampedCount;
    private long outputs;
    private long duplicates;
    private long firstNs = -1;
    private long lastNs = -1;
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Counting mode (scenario state): the highest count seen per key, and the input it accounts for. */
    private final Map<String, Long> counts;
    private final java.util.function.ToLongFunction<String> expectedCount;
    private long counted;
    private final Thread thread;

    OutputWatcher(String bootstrap, String topic, long expected, boolean measureLatency) {
        this(bootstrap, topic, expected, measureLatency, null);
    }

    /**
     * A watcher of counts per key (values are decimal counts): it is done when the highest count of each key
     * adds up to {@code expected}; a count above {@code expectedCount} of its key is a duplicate.
     */
    static OutputWatcher counting(String bootstrap, String topic, long expected,
            java.util.function.ToLongFunction<String> expectedCount) {
        return new OutputWatcher(bootstrap, topic, expected, false, expectedCount);
    }

    private OutputWatcher(String bootstrap, String topic, long expected, boolean measureLatency,
            java.util.function.ToLongFunction<String> expectedCount) {
        this.expected = expected;
        this.expectedCount = expectedCount;
        this.counts = expectedCount == null ? null : new HashMap<>();
        this.seen = new BitSet((int) Math.min(Integer.MAX_VALUE, expected));
        this.latencies = measureLatency ? new long[(int) expected] : null;
        this.toProcessed = measureLatency ? new long[(int) expected] : null;
        this.processedToRead = measureLatency ? new long[(int) expected] : null;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        Set<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        thread = new Thread(() -> {
            try (consumer) {
                while (!stop.get()) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long now = System.nanoTime();
                    long nowMs = System.currentTimeMillis();
                    synchronized (this) {
                        for (ConsumerRecord<byte[], byte[]> r : records) {
                            outputs++;
                            if (firstNs < 0) {
                                firstNs = now;
                            }
                            lastNs = now;
                            if (counts != null) {
                                count(r);
                                continue;
                            }
                            long id = Scenario.idOf(r.value());
                            if (id < 0 || id >= expected) {
                                continue;
                            }
                            if (seen.get((int) id)) {
                                duplicates++;
                            } else {
                                seen.set((int) id);
                                if (latencies != null && latencyCount < latencies.length) {
                                    long sentMs = Scenario.sentMsOf(r.value());
                                    latencies[latencyCount++] = nowMs - sentMs;
                                    var stamp = r.headers().lastHeader(Scenario.PROCESSED_HEADER);
                                    if (stamp != null && stampedCount < toProcessed.length) {
                                        long processedMs = Long.parseLong(new String(stamp.value(),
                                                java.nio.charset.StandardCharsets.US_ASCII));
                                        toProcessed[stampedCount] = processedMs - sentMs;
                                        processedToRead[stampedCount++] = nowMs - processedMs;
                                    }
                                }
                            }
                        }
                        notifyAll();
                    }
                }
            }
        }, "bench-watcher");
        thread.start();
    }

    private void count(ConsumerRecord<byte[], byte[]> r) {
        String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
        long c = Long.parseLong(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
        long before = counts.getOrDefault(key, 0L);
        if (c > before) {
            counts.put(key, c);
            long limit = expectedCount.applyAsLong(key);
            counted += Math.min(c, limit) - Math.min(before, limit);
            duplicates += Math.max(0, c - limit) - Math.max(0, before - limit);
        }
    }

    /** Waits until every expected input has an output, or the timeout; returns whether all arrived. */
    synchronized boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (distinct() < expected) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, Math.min(1000, left / 1_000_000)));
        }
        return true;
    }

    /** Waits until any output arrives (for example a probe record), then forgets its timing. */
    synchronized boolean awaitFirstOutputAndReset(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outputs == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, Math.min(1000, left / 1_000_000)));
        }
        outputs = 0;
        firstNs = -1;
        lastNs = -1;
        return true;
    }

    /** Inputs accounted for: distinct ids, or in counting mode the counts up to each key's expected count. */
    synchronized long distinct() {
        return counts != null ? counted : seen.cardinality();
    }

    synchronized long outputs() {
        return outputs;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long firstNs() {
        return firstNs;
    }

    synchronized double recordsPerSec() {
        if (firstNs < 0 || lastNs <= firstNs) {
            return 0;
        }
        return ((counts != null ? counted : outputs) - 1) / ((lastNs - firstNs) / 1e9);
    }

    /** The q-quantile (0..1) of end-to-end latency in ms, or -1 if not measured. */
    synchronized long latencyQuantile(double q) {
        return quantile(latencies, latencyCount, q);
    }

    /**
     * Where the latency goes, for outputs whose processor stamped the time it ran ({@link Scenario#PROCESSED_HEADER}):
     * p50 and p99 of input sent to processed (fetch, poll, hand-off to a worker) and of processed to read by this
     * watcher (hand-back, send, the wait for the commit, the commit, its markers, the read); null if none was.
     */
    synchronized String breakdown() {
        if (stampedCount == 0) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "sent->processed p50 %d p99 %d ms; processed->read p50 %d "
                + "p99 %d ms", quantile(toProcessed, stampedCount, 0.5), quantile(toProcessed, stampedCount, 0.99),
                quantile(processedToRead, stampedCount, 0.5), quantile(processedToRead, stampedCount, 0.99));
    }

    private static long quantile(long[] values, int count, double q) {
        if (values == null || count == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)];
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
    }
}
