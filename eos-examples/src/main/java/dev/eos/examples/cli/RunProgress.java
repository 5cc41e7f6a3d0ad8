package dev.eos.examples.cli;

import dev.eos.Pipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What {@code eos run} reports while it runs: the committed records of the progress topic against those the
 * input promised, the dead letters, the pipelines' lag and states. It reads with {@code read_committed}, so it
 * counts what exactly-once is about. Used by one thread at a time.
 */
final class RunProgress implements RunLoop.Progress {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String progressTopic;
    private final String deadLetterTopic;
    private final long expected;
    private final List<Pipeline<?, ?>> pipelines;
    private long committed;
    private long deadLetters;

    /**
     * @param deadLetterTopic the dead-letter topic to count, or null
     * @param expected the records the input written by this run adds to {@code progressTopic}, or -1 if unknown
     */
    RunProgress(String bootstrap, String progressTopic, String deadLetterTopic, long expected,
            List<Pipeline<?, ?>> pipelines) {
        this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "isolation.level",
                "read_committed", "enable.auto.commit", false), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.progressTopic = progressTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.expected = expected;
        this.pipelines = pipelines;
        List<TopicPartition> tps = new ArrayList<>(partitions(progressTopic));
        if (deadLetterTopic != null) {
            tps.addAll(partitions(deadLetterTopic));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
    }

    private Set<TopicPartition> partitions(String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
    }

    @Override
    public void read(long ms) {
        long until = System.nanoTime() + Duration.ofMillis(ms).toNanos();
        do {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.topic().equals(progressTopic)) {
                    committed++;
                } else {
                    deadLetters++;
                }
            }
        } while (System.nanoTime() < until);
    }

    /** The progress line: committed, expected, dead letters, lag and states. */
    @Override
    public String line() {
        StringBuilder s = new StringBuilder(progressTopic).append(": ").append(committed).append(" committed");
        if (expected >= 0) {
            s.append(" of ").append(expected).append(" expected");
        }
        if (deadLetterTopic != null) {
            s.append(", ").append(deadLetters).append(" dead-lettered to ").append(deadLetterTopic);
        }
        if (pipelines.isEmpty()) { // they run in another process
            return s.toString();
        }
        long lag = 0;
        boolean lagKnown = true;
        for (Pipeline<?, ?> p : pipelines) {
            long l = p.health().lag();
            lagKnown &= l >= 0;
            lag += Math.max(0, l);
        }
        s.append("; lag ").append(lagKnown ? Long.toString(lag) : "unknown").append("; ");
        s.append(pipelines.stream().map(p -> p.applicationId() + " " + p.state()).collect(Collectors.joining(", ")));
        return s.toString();
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
