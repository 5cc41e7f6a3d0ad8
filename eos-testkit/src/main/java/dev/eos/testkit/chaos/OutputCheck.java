package dev.eos.testkit.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
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
 * The checker of a chaos run ({@link ChaosTest}). It shares no code with eos-core nor with the demo's verifier: it reads the
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
 * A coalesced output (the pipeline declared its topic {@code OutputTopic.coalesced()}) stands for every input of its
 * key in its source partition within the offsets it names ({@code eos.source.first.offset} to
 * {@code eos.source.offset}): those inputs, except the ones in the dead-letter topic, count as output once, by it;
 * the output key must then be the input key.
 * It also counts the records only the uncommitted view shows: outputs of aborted transactions, which the faults
 * are expected to cause.
 */
public final class OutputCheck {

    /** What the check found, with up to 10 examples. */
    public static final class Report {
        public long input;
        public long output;
        public long deadLetters;
        public long lost;
        public long duplicated;
        public long misrouted;
        public long abortedReads;
        public long outOfOrderKeys;
        public long abortedOutputs;
        public long transactions;
        /** Violations found by checks of the caller's own ({@link #violation}). */
        public long other;
        public final List<String> examples = new ArrayList<>();

        /** Every violation found. */
        public long violations() {
            return lost + duplicated + misrouted + abortedReads + outOfOrderKeys + other;
        }

        /** Records a violation found by a check of the caller's own. */
        public void violation(String example) {
            other++;
            example(example);
        }

        /** Records an example of a violation already counted in one of the fields (at most 10 are kept). */
        public void example(String s) {
            if (examples.size() < 10) {
                examples.add(s);
            }
        }

        @Override
        public String toString() {
            return "input=" + input + " output=" + output + " deadLetters=" + deadLetters + " lost=" + lost
                    + " duplicated=" + duplicated + " misrouted=" + misrouted + " abortedReads=" + abortedReads
                    + " outOfOrderKeys=" + outOfOrderKeys + " other=" + other
                    + " transactions=" + transactions
                    + " abortedOutputs(uncommitted only)=" + abortedOutputs
                    + (examples.isEmpty() ? "" : " examples=" + examples);
        }
    }

    private OutputCheck() {
    }

    /**
     * Reads the topics to their end and checks them.
     *
     * @param deadLetter the dead-letter topic, or null if the pipeline has none
     * @param idOf the input value an output value was made from (the input values are unique ids)
     * @param isPoison whether an input value must end in the dead-letter topic instead of the output
     */
    public static Report check(String bootstrap, String input, String output, String deadLetter,
            Function<String, String> idOf, Predicate<String> isPoison) {
        Report rep = new Report();
        List<ConsumerRecord<String, String>> in = read(bootstrap, input, IsolationLevel.READ_COMMITTED);
        List<ConsumerRecord<String, String>> out = read(bootstrap, output, IsolationLevel.READ_COMMITTED);
        List<ConsumerRecord<String, String>> outAll = read(bootstrap, output, IsolationLevel.READ_UNCOMMITTED);
        List<ConsumerRecord<String, String>> dead = deadLetter == null ? List.of()
                : read(bootstrap, deadLetter, IsolationLevel.READ_COMMITTED);
        List<ConsumerRecord<String, String>> deadAll = deadLetter == null ? List.of()
                : read(bootstrap, deadLetter, IsolationLevel.READ_UNCOMMITTED);
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

        Map<String, List<ConsumerRecord<String, String>>> inputsByKey = new HashMap<>();
        for (ConsumerRecord<String, String> r : in) {
            inputsByKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        }
        Map<String, Integer> deadCount = new HashMap<>();
        for (ConsumerRecord<String, String> r : dead) {
            deadCount.merge(r.value(), 1, Integer::sum);
        }
        Map<String, Integer> outCount = new HashMap<>();
        Map<String, List<String>> outOrder = new HashMap<>();
        for (ConsumerRecord<String, String> r : out) {
            for (String id : idsOf(r, idOf, inputsByKey, deadCount::containsKey)) {
                if (outCount.merge(id, 1, Integer::sum) == 1) {
                    outOrder.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(id);
                }
            }
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
     * The input ids an output stands for: the one {@code idOf} finds in its value; for a coalesced output (one with
     * the header {@code eos.source.first.offset}), every input of its key in its source partition from that offset
     * to {@code eos.source.offset}, whose values it replaced, except those in the dead-letter topic (they emitted
     * nothing).
     */
    private static List<String> idsOf(ConsumerRecord<String, String> r, Function<String, String> idOf,
            Map<String, List<ConsumerRecord<String, String>>> inputsByKey, Predicate<String> deadLettered) {
        String first = header(r, "eos.source.first.offset");
        String last = header(r, "eos.source.offset");
        String partition = header(r, "eos.source.partition");
        if (first == null || last == null || partition == null) {
            return java.util.Collections.singletonList(r.value() == null ? null : idOf.apply(r.value()));
        }
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<String, String> i : inputsByKey.getOrDefault(r.key(), List.of())) {
            if (i.partition() == Integer.parseInt(partition) && i.offset() >= Long.parseLong(first)
                    && i.offset() <= Long.parseLong(last) && (i.offset() == Long.parseLong(last)
                    || !deadLettered.test(i.value()))) {
                ids.add(i.value());
            }
        }
        return ids;
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        org.apache.kafka.common.header.Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String txnOf(ConsumerRecord<String, String> r) {
        org.apache.kafka.common.header.Header h = r.headers().lastHeader("eos.txn");
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Every record of {@code topic} up to its end at the time of the call, as {@code isolation} sees it. */
    public static List<ConsumerRecord<String, String>> read(String bootstrap, String topic, IsolationLevel isolation) {
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
