package dev.eos.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Checks a committed output topic against its input topic, independently of the pipeline: reads both
 * completely with {@code read_committed}, maps each output record to the input record it came from, and
 * counts inputs with no output (lost), inputs with more than one (duplicates), and keys whose outputs are
 * not in input order.
 */
public final class Verifier {

    /** What the check found. */
    public static final class Report {
        /** Input records read. */
        public final long input;
        /** Output records read. */
        public final long output;
        /** Output records beyond the first for an input record. */
        public final long duplicates;
        /** Input records with no output. */
        public final long lost;
        /** Output records whose input id matches no input record. */
        public final long unknown;
        /** Keys whose output order differs from their input order. */
        public final long keysOutOfOrder;
        /** Up to 10 examples of what went wrong. */
        public final List<String> examples;

        Report(long input, long output, long duplicates, long lost, long unknown, long keysOutOfOrder,
                List<String> examples) {
            this.input = input;
            this.output = output;
            this.duplicates = duplicates;
            this.lost = lost;
            this.unknown = unknown;
            this.keysOutOfOrder = keysOutOfOrder;
            this.examples = List.copyOf(examples);
        }

        /** Whether every input record has exactly one output. */
        public boolean exactlyOnce() {
            return duplicates == 0 && lost == 0 && unknown == 0;
        }

        /** The one-line verdict: {@code exactly-once: OK input=N output=N duplicates=0 lost=0}. */
        public String verdict() {
            return "exactly-once: " + (exactlyOnce() ? "OK" : "VIOLATED") + " input=" + input + " output=" + output
                    + " duplicates=" + duplicates + " lost=" + lost;
        }

        @Override
        public String toString() {
            return verdict() + " unknown=" + unknown + " keysOutOfOrder=" + keysOutOfOrder
                    + (examples.isEmpty() ? "" : " examples=" + examples);
        }
    }

    private Verifier() {
    }

    /**
     * Verifies {@code output} against {@code input}; {@code inputIdOfOutput} turns an output value into the
     * value of the input record it was made from.
     */
    public static Report verify(String bootstrap, String input, String output, Function<String, String> inputIdOfOutput) {
        // streamed: only ids and keys are kept, not the records
        Map<String, String> keyOfInput = new HashMap<>();
        Map<String, List<String>> inputOrderPerKey = new HashMap<>();
        long[] inputs = {0};
        read(bootstrap, input, r -> {
            inputs[0]++;
            keyOfInput.put(r.value(), r.key());
            inputOrderPerKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
        });
        Map<String, Integer> seen = new HashMap<>();
        Map<String, List<String>> outputOrderPerKey = new HashMap<>();
        List<String> examples = new ArrayList<>();
        long[] counts = new long[3]; // outputs, unknown, duplicates
        read(bootstrap, output, r -> {
            counts[0]++;
            String id = inputIdOfOutput.apply(r.value());
            if (id == null || !keyOfInput.containsKey(id)) {
                counts[1]++;
                if (examples.size() < 10) {
                    examples.add("unknown output " + r.topic() + "-" + r.partition() + "@" + r.offset() + " value="
                            + r.value());
                }
                return;
            }
            int n = seen.merge(id, 1, Integer::sum);
            if (n > 1) {
                counts[2]++;
                if (examples.size() < 10) {
                    examples.add("duplicate of input " + id + " at " + r.topic() + "-" + r.partition() + "@"
                            + r.offset());
                }
            } else {
                outputOrderPerKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(id);
            }
        });
        long unknown = counts[1];
        long duplicates = counts[2];
        long lost = 0;
        for (String id : keyOfInput.keySet()) {
            if (!seen.containsKey(id)) {
                lost++;
                if (examples.size() < 10) {
                    examples.add("lost input " + id + " (key " + keyOfInput.get(id) + ")");
                }
            }
        }
        long outOfOrder = 0;
        for (Map.Entry<String, List<String>> e : outputOrderPerKey.entrySet()) {
            List<String> expected = new ArrayList<>(inputOrderPerKey.getOrDefault(e.getKey(), List.of()));
            expected.retainAll(new java.util.HashSet<>(e.getValue()));
            if (!expected.equals(e.getValue())) {
                outOfOrder++;
                if (examples.size() < 10) {
                    examples.add("key " + e.getKey() + " out of order");
                }
            }
        }
        return new Report(inputs[0], counts[0], duplicates, lost, unknown, outOfOrder, examples);
    }

    /** Reads a topic from the beginning to its current end (last stable offset), read_committed. */
    public static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        read(bootstrap, topic, out::add);
        return out;
    }

    /** Hands every record of a topic, from the beginning to its current end, to {@code each}; read_committed. */
    public static void read(String bootstrap, String topic,
            java.util.function.Consumer<ConsumerRecord<String, String>> each) {
        read(bootstrap, topic, new StringDeserializer(), each);
    }

    /** {@link #read(String, String, java.util.function.Consumer)} with values read by {@code values}. */
    public static <V> void read(String bootstrap, String topic, org.apache.kafka.common.serialization.Deserializer<V>
            values, java.util.function.Consumer<ConsumerRecord<String, V>> each) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "eos-verifier-" + UUID.randomUUID());
        Map<TopicPartition, Long> ends = endOffsets(bootstrap, topic);
        try (KafkaConsumer<String, V> c = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            c.assign(ends.keySet());
            c.seekToBeginning(ends.keySet());
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline) {
                boolean done = true;
                for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                    if (c.position(e.getKey()) < e.getValue()) {
                        done = false;
                        break;
                    }
                }
                if (done) {
                    return;
                }
                c.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
        throw new IllegalStateException("Could not read " + topic + " to its end within 5 minutes");
    }

    /** The last stable offset of every partition of a topic. */
    public static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                req.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> res = admin.listOffsets(req,
                    new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            Map<TopicPartition, Long> ends = new HashMap<>();
            res.forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the end offsets of " + topic + ": " + e, e);
        }
    }
}
