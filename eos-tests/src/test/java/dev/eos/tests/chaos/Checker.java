package dev.eos.tests.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The chaos suite's checker. It shares no code with the pipeline nor with the demo's verifier: it reads the
 * input, the committed output and the committed dead-letter topic (read_committed) after the run, and the
 * output once more with read_uncommitted, and reports with examples:
 * <ul>
 *   <li>lost: an input with no output (or, for a poison input, no dead letter);</li>
 *   <li>duplicated: an input with more than one output or dead letter;</li>
 *   <li>misrouted: a poison input in the output, or a good one in the dead-letter topic;</li>
 *   <li>aborted read: outputs carry the header {@code eos.txn} naming the transaction that wrote them; a
 *       transaction must be seen by read_committed whole or not at all, so a transaction of which the committed
 *       view holds some records but not all the uncommitted view shows is a read of aborted (or unfinished)
 *       data. Also, every committed read must be a record as written: same partition, offset and value in the
 *       uncommitted view;</li>
 *   <li>order: per key, committed outputs not in input order.</li>
 * </ul>
 * It also counts the records only the uncommitted view shows: outputs of aborted transactions, which the faults
 * are expected to cause.
 */
final class Checker {

    static final class Report {
        long input;
        long output;
        long deadLetters;
        long lost;
        long duplicated;
        long misrouted;
        long abortedReads;
        long outOfOrderKeys;
        long abortedOutputs;
        long transactions;
        /** Counting workload: keys whose emitted counts are not exactly 1..n (n: the key's good inputs). */
        long stateMismatches;
        final List<String> examples = new ArrayList<>();

        long violations() {
            return lost + duplicated + misrouted + abortedReads + outOfOrderKeys + stateMismatches;
        }

        void example(String s) {
            if (examples.size() < 10) {
                examples.add(s);
            }
        }

        @Override
        public String toString() {
            return "input=" + input + " output=" + output + " deadLetters=" + deadLetters + " lost=" + lost
                    + " duplicated=" + duplicated + " misrouted=" + misrouted + " abortedReads=" + abortedReads
                    + " outOfOrderKeys=" + outOfOrderKeys + " stateMismatches=" + stateMismatches
                    + " transactions=" + transactions
                    + " abortedOutputs(uncommitted only)=" + abortedOutputs
                    + (examples.isEmpty() ? "" : " examples=" + examples);
        }
    }

    private Checker() {
    }

    static Report check(String bootstrap, String input, String output, String deadLetter, String outputPrefix,
            Predicate<String> isPoison) {
        Report rep = new Report();
        List<ConsumerRecord<String, String>> in = read(bootstrap, input, IsolationLevel.READ_COMMITTED);
        List<ConsumerRecord<String, String>> out = read(bootstrap, output, IsolationLevel.READ_COMMITTED);
        List<ConsumerRecord<String, String>> outAll = read(bootstrap, output, IsolationLevel.READ_UNCOMMITTED);
        List<ConsumerRecord<String, String>> dead = read(bootstrap, deadLetter, IsolationLevel.READ_COMMITTED);
        List<ConsumerRecord<String, String>> deadAll = read(bootstrap, deadLetter, IsolationLevel.READ_UNCOMMITTED);
        rep.input = in.size();
        rep.output = out.size();
        rep.deadLetters = dead.size();

        Map<String, String> uncommitted = new HashMap<>();
        for (ConsumerRecord<String, String> r : outAll) {
            uncommitted.put(r.partition() + "@" + r.offset(), r.value());
        }
        for (ConsumerRecord<String, String> r : out) {
            String seen = uncommitted.get(r.partition() + "@" + r.offset());
            if (seen == null || !seen.equals(r.value())) {
                rep.abortedReads++;
                rep.example("committed read " + r.partition() + "@" + r.offset() + " not written as such");
            }
        }
        rep.abortedOutputs = outAll.size() - out.size();
        // transactions seen whole or not at all
        Map<String, Integer> written = new HashMap<>();
        Map<String, Integer> visible = new HashMap<>();
        for (List<ConsumerRecord<String, String>> view : List.of(outAll, deadAll)) {
            for (ConsumerRecord<String, String> r : view) {
                String txn = txnOf(r);
                if (txn != null) {
                    written.merge(txn, 1, Integer::sum);
                }
            }
        }
        for (List<ConsumerRecord<String, String>> view : List.of(out, dead)) {
            for (ConsumerRecord<String, String> r : view) {
                String txn = txnOf(r);
                if (txn != null) {
                    visible.merge(txn, 1, Integer::sum);
                }
            }
        }
        rep.transactions = written.size();
        for (Map.Entry<String, Integer> e : visible.entrySet()) {
            int all = written.getOrDefault(e.getKey(), 0);
            if (e.getValue() != all) {
                rep.abortedReads += e.getValue();
                rep.example("transaction " + e.getKey() + " partly visible: " + e.getValue() + " of " + all);
            }
        }

        Map<String, Integer> outCount = new HashMap<>();
        Map<String, List<String>> outOrder = new HashMap<>();
        for (ConsumerRecord<String, String> r : out) {
            String id = r.value() != null && r.value().startsWith(outputPrefix)
                    ? r.value().substring(outputPrefix.length()) : r.value();
            if (outCount.merge(id, 1, Integer::sum) == 1) {
                outOrder.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(id);
            }
        }
        Map<String, Integer> deadCount = new HashMap<>();
        for (ConsumerRecord<String, String> r : dead) {
            deadCount.merge(r.value(), 1, Integer::sum);
        }
        Map<String, List<String>> inOrder = new HashMap<>();
        for (ConsumerRecord<String, String> r : in) {
            String id = r.value();
            int o = outCount.getOrDefault(id, 0);
            int d = deadCount.getOrDefault(id, 0);
            boolean poison = isPoison.test(id);
            if (poison ? o > 0 : d > 0) {
                rep.misrouted++;
                rep.example((poison ? "poison " : "good ") + id + " in the " + (poison ? "output" : "dead-letter topic"));
            }
            if (o + d == 0) {
                rep.lost++;
                rep.example("lost " + id);
            } else if (o + d > 1) {
                rep.duplicated += o + d - 1;
                rep.example("duplicated " + id + " (" + o + " outputs, " + d + " dead letters)");
            }
            if (!poison) {
                inOrder.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(id);
            }
        }
        for (Map.Entry<String, List<String>> e : outOrder.entrySet()) {
            List<String> expected = new ArrayList<>(inOrder.getOrDefault(e.getKey(), List.of()));
            expected.retainAll(new java.util.HashSet<>(e.getValue()));
            if (!expected.equals(e.getValue())) {
                rep.outOfOrderKeys++;
                rep.example("key " + e.getKey() + " out of order");
            }
        }
        return rep;
    }

    /**
     * The counting workload keeps a count per key and writes it in the header {@code countHeader} of each output:
     * folding the input independently, the committed counts of each key, in output order, must be exactly 1, 2,
     * ..., n, where n is the number of good (not poison) inputs of the key; so the last emitted value equals the
     * fold.
     */
    static void checkCounts(Report rep, String bootstrap, String input, String output, String countHeader,
            Predicate<String> isPoison) {
        Map<String, Long> fold = new HashMap<>();
        for (ConsumerRecord<String, String> r : read(bootstrap, input, IsolationLevel.READ_COMMITTED)) {
            if (!isPoison.test(r.value())) {
                fold.merge(r.key(), 1L, Long::sum);
            }
        }
        Map<String, List<Long>> emitted = new HashMap<>();
        for (ConsumerRecord<String, String> r : read(bootstrap, output, IsolationLevel.READ_COMMITTED)) {
            org.apache.kafka.common.header.Header h = r.headers().lastHeader(countHeader);
            long count = h == null ? -1 : Long.parseLong(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
            emitted.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(count);
        }
        java.util.Set<String> keys = new java.util.HashSet<>(fold.keySet());
        keys.addAll(emitted.keySet());
        for (String key : keys) {
            long n = fold.getOrDefault(key, 0L);
            List<Long> seq = emitted.getOrDefault(key, List.of());
            boolean ok = seq.size() == n;
            for (int i = 0; ok && i < seq.size(); i++) {
                ok = seq.get(i) == i + 1;
            }
            if (!ok) {
                rep.stateMismatches++;
                rep.example("key " + key + ": input folds to " + n + ", counts emitted " + (seq.size() > 12
                        ? seq.subList(0, 6) + "..." + seq.subList(seq.size() - 6, seq.size()) : seq));
            }
        }
    }

    private static String txnOf(ConsumerRecord<String, String> r) {
        org.apache.kafka.common.header.Header h = r.headers().lastHeader("eos.txn");
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static List<ConsumerRecord<String, String>> read(String bootstrap, String topic, IsolationLevel isolation) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            int n = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (int p = 0; p < n; p++) {
                req.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            admin.listOffsets(req, new ListOffsetsOptions(isolation)).all().get()
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end of " + topic, e);
        }
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "chaos-checker-" + UUID.randomUUID());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            c.assign(ends.keySet());
            c.seekToBeginning(ends.keySet());
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline) {
                boolean done = true;
                for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                    if (c.position(e.getKey()) < e.getValue()) {
                        done = false;
                        break;
                    }
                }
                if (done) {
                    return out;
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        throw new IllegalStateException("could not read " + topic + " to its end");
    }
}
