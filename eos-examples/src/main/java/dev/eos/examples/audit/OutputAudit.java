package dev.eos.examples.audit;

import dev.eos.DeadLetter;
import dev.eos.Provenance;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Audits the committed output of a live pipeline whose outputs carry their provenance
 * ({@code output.provenance.headers=true}): reads the input and the output (and the dead-letter topic) with
 * {@code read_committed}, maps every output back to its input record through the {@link Provenance} headers
 * (dead letters through the {@link DeadLetter} ones), and reports inputs with no output, inputs whose outputs are
 * in more than one transaction (processed twice), and outputs whose source is unknown. Outputs of aborted
 * transactions are not read, so they do not count. Works for 1-to-1 and 1-to-N pipelines.
 *
 * <p>A coalesced output ({@code OutputTopic.coalesced()}) holds the latest value of its key and carries the range of
 * input offsets it covers ({@link Provenance#SOURCE_FIRST_OFFSET} to {@link Provenance#SOURCE_OFFSET}). Every
 * transaction consumes one contiguous range of offsets per partition, so the audit counts every input within the
 * span of a transaction's coalesced ranges as output by that transaction: an input in the spans of two
 * transactions was processed twice; an input in no span and with no output is missing. Inside a transaction's
 * span, the audit cannot tell a lost update of one key from one coalesced away.
 *
 * <p>Memory is bounded by the input's size: 4 bytes and 2 bits per input offset, whatever the output's size.
 */
public final class OutputAudit {

    private static final int EXAMPLES = 10;

    /** The span of input offsets the coalesced outputs of one transaction cover in one partition. */
    private record Span(int partition, int transaction, long[] range) {
    }

    /** What the audit found. */
    public static final class Report {
        public long inputs;
        public long outputs;
        public long deadLetters;
        public long missing;
        public long multipleTransactions;
        public long unknownSource;
        public long withoutTransactionHeader;
        /** Outputs with no provenance headers at all: the audit cannot tell where they came from. */
        public long withoutProvenance;
        /** Topics that look like dead-letter topics, when none was given: where missing inputs may have gone. */
        public final List<String> deadLetterCandidates = new ArrayList<>();
        public final List<String> missingExamples = new ArrayList<>();
        public final List<String> multipleExamples = new ArrayList<>();
        public final List<String> unknownExamples = new ArrayList<>();

        /** Whether every input has its outputs in exactly one transaction and every output has a known source. */
        public boolean clean() {
            return missing == 0 && multipleTransactions == 0 && unknownSource == 0;
        }

        /**
         * Whether the output can be audited at all: false when it has outputs and none of them carries provenance
         * headers (a pipeline run without {@code output.provenance.headers=true}).
         */
        public boolean auditable() {
            return outputs == 0 || withoutProvenance < outputs;
        }

        /** One line: {@code audit: CLEAN inputs=N outputs=M deadLetters=D missing=0 ...}. */
        public String summary() {
            if (!auditable()) {
                return "audit: UNKNOWN inputs=" + inputs + " outputs=" + outputs + ": none of the outputs carries "
                        + "provenance headers, so they cannot be traced to their inputs";
            }
            return "audit: " + (clean() ? "CLEAN" : "VIOLATED") + " inputs=" + inputs + " outputs=" + outputs
                    + " deadLetters=" + deadLetters + " missing=" + missing + " multipleTransactions="
                    + multipleTransactions + " unknownSource=" + unknownSource;
        }

        /** The summary, then up to 10 examples of each finding. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            out.add(summary());
            if (!auditable()) {
                out.add("  run the pipeline with output.provenance.headers=true (./eos run does) and audit what it "
                        + "commits from then on; outputs committed before carry no headers");
                return out;
            }
            missingExamples.forEach(e -> out.add("  no output: " + e));
            if (missing > 0 && !deadLetterCandidates.isEmpty()) {
                out.add("  hint: inputs that failed may be in a dead-letter topic; audit with --dead-letter TOPIC "
                        + "(topics that look like one: " + deadLetterCandidates + ")");
            }
            multipleExamples.forEach(e -> out.add("  outputs in more than one transaction: " + e));
            unknownExamples.forEach(e -> out.add("  unknown source: " + e));
            if (withoutTransactionHeader > 0) {
                out.add("  note: " + withoutTransactionHeader + " outputs carry no transaction header; inputs "
                        + "processed twice cannot be told from 1-to-N outputs for them");
            }
            return out;
        }
    }

    /** The offsets of one input partition: which exist, and the transaction of their first output. */
    private static final class TaskStores {
        final long begin;
        final BitSet present;
        final BitSet multiple;
        final int[] transaction;

        TaskStores(long begin, long end) {
            this.begin = begin;
            int size = Math.toIntExact(Math.max(0, end - begin));
            this.present = new BitSet(size);
            this.multiple = new BitSet(size);
            this.transaction = new int[size];
        }

        int index(long offset) {
            long i = offset - begin;
            return i < 0 || i >= transaction.length ? -1 : (int) i;
        }
    }

    private OutputAudit() {
    }

    /**
     * Runs the audit.
     *
     * @param deadLetter the dead-letter topic, or null
     * @param progress where to print progress while reading (every 2 s), or null
     * @throws IllegalArgumentException if a topic does not exist (the message names it)
     */
    public static Report run(String bootstrap, String input, String output, String deadLetter, PrintStream progress) {
        List<String> topics = deadLetter == null ? List.of(input, output) : List.of(input, output, deadLetter);
        Report report = new Report();
        Map<String, Map<TopicPartition, long[]>> ranges = ranges(bootstrap, topics,
                deadLetter == null ? report.deadLetterCandidates : null);
        Map<Integer, TaskStores> in = new HashMap<>();
        ranges.get(input).forEach((tp, r) -> in.put(tp.partition(), new TaskStores(r[0], r[1])));
        read(bootstrap, ranges.get(input), progress, "input " + input, r -> {
            TaskStores p = in.get(r.partition());
            int i = p.index(r.offset());
            if (i >= 0) {
                p.present.set(i);
                report.inputs++;
            }
        });
        Map<String, Span> spans = new HashMap<>();
        read(bootstrap, ranges.get(output), progress, "output " + output, r -> {
            report.outputs++;
            if (!coalesced(report, in, input, r, spans)) {
                account(report, in, input, r, Provenance.SOURCE_TOPIC, Provenance.SOURCE_PARTITION,
                        Provenance.SOURCE_OFFSET);
            }
        });
        for (Span span : spans.values()) {
            TaskStores p = in.get(span.partition());
            for (long o = span.range()[0]; o <= span.range()[1]; o++) {
                mark(report, p, p.index(o), span.transaction(), input + "-" + span.partition(), "a coalesced output");
            }
        }
        if (deadLetter != null) {
            read(bootstrap, ranges.get(deadLetter), progress, "dead letters " + deadLetter, r -> {
                report.deadLetters++;
                account(report, in, input, r, DeadLetter.SOURCE_TOPIC, DeadLetter.SOURCE_PARTITION,
                        DeadLetter.SOURCE_OFFSET);
            });
        }
        in.forEach((partition, p) -> {
            for (int i = p.present.nextSetBit(0); i >= 0; i = p.present.nextSetBit(i + 1)) {
                if (p.transaction[i] == 0) {
                    report.missing++;
                    example(report.missingExamples, input + "-" + partition + "@" + (p.begin + i));
                }
            }
        });
        return report;
    }

    private static void account(Report report, Map<Integer, TaskStores> in, String input,
            ConsumerRecord<byte[], byte[]> r, String topicHeader, String partitionHeader, String offsetHeader) {
        Headers h = r.headers();
        String at = r.topic() + "-" + r.partition() + "@" + r.offset();
        String topic = DeadLetter.header(h, topicHeader);
        TaskStores p = null;
        int i = -1;
        try {
            if (input.equals(topic)) {
                p = in.get(Integer.parseInt(DeadLetter.header(h, partitionHeader)));
                i = p == null ? -1 : p.index(Long.parseLong(DeadLetter.header(h, offsetHeader)));
            }
        } catch (NumberFormatException | NullPointerException malformed) {
            i = -1;
        }
        if (topic == null && DeadLetter.header(h, partitionHeader) == null) {
            report.withoutProvenance++;
        }
        if (i < 0 || !p.present.get(i)) {
            report.unknownSource++;
            example(report.unknownExamples, at + (topic == null ? " (no provenance headers)"
                    : " (source " + topic + "-" + DeadLetter.header(h, partitionHeader) + "@"
                    + DeadLetter.header(h, offsetHeader) + ")"));
            return;
        }
        mark(report, p, i, transactionId(report, h), input + "-" + r.partition(), at + " in "
                + DeadLetter.header(h, DeadLetter.TRANSACTION));
    }

    /**
     * Takes in a coalesced output (one with {@link Provenance#SOURCE_FIRST_OFFSET}): widens its transaction's span
     * in its source partition. Returns false for any other output.
     */
    private static boolean coalesced(Report report, Map<Integer, TaskStores> in, String input,
            ConsumerRecord<byte[], byte[]> r, Map<String, Span> spans) {
        Headers h = r.headers();
        String first = DeadLetter.header(h, Provenance.SOURCE_FIRST_OFFSET);
        if (first == null || !input.equals(DeadLetter.header(h, Provenance.SOURCE_TOPIC))) {
            return false;
        }
        int partition;
        long from;
        long to;
        try {
            partition = Integer.parseInt(DeadLetter.header(h, Provenance.SOURCE_PARTITION));
            from = Long.parseLong(first);
            to = Long.parseLong(DeadLetter.header(h, Provenance.SOURCE_OFFSET));
        } catch (NumberFormatException | NullPointerException malformed) {
            return false; // accounted as an output of unknown source
        }
        TaskStores p = in.get(partition);
        if (p == null || from > to || p.index(from) < 0 || p.index(to) < 0) {
            return false;
        }
        int txn = transactionId(report, h);
        long[] range = spans.computeIfAbsent(partition + "/" + txn, k -> new Span(partition, txn,
                new long[] {from, to})).range();
        range[0] = Math.min(range[0], from);
        range[1] = Math.max(range[1], to);
        return true;
    }

    private static int transactionId(Report report, Headers h) {
        String txn = DeadLetter.header(h, DeadLetter.TRANSACTION);
        if (txn == null) {
            report.withoutTransactionHeader++;
        }
        return txn == null ? 1 : (txn.hashCode() == 0 ? 1 : txn.hashCode());
    }

    /** Input {@code i} of {@code p} has an output in transaction {@code id}; a second transaction is a violation. */
    private static void mark(Report report, TaskStores p, int i, int id, String partition, String again) {
        if (i < 0 || !p.present.get(i)) {
            return;
        }
        if (p.transaction[i] == 0) {
            p.transaction[i] = id;
        } else if (p.transaction[i] != id && !p.multiple.get(i)) {
            p.multiple.set(i);
            report.multipleTransactions++;
            example(report.multipleExamples, partition + " input offset " + (p.begin + i) + ", again at " + again);
        }
    }

    private static void example(List<String> examples, String e) {
        if (examples.size() < EXAMPLES) {
            examples.add(e);
        }
    }

    /**
     * The [earliest, read_committed end) offsets of every partition of each topic; adds the topics whose names look
     * like dead-letter topics to {@code deadLetterCandidates} unless it is null.
     */
    private static Map<String, Map<TopicPartition, long[]>> ranges(String bootstrap, List<String> topics,
            List<String> deadLetterCandidates) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            if (deadLetterCandidates != null) {
                existing.stream().filter(t -> t.matches("(?i).*(dlq|dead[-_.]?letter).*")).sorted()
                        .forEach(deadLetterCandidates::add);
            }
            for (String t : topics) {
                if (!existing.contains(t)) {
                    throw new IllegalArgumentException("topic '" + t + "' does not exist on " + bootstrap);
                }
            }
            Map<String, Map<TopicPartition, long[]>> out = new HashMap<>();
            for (var d : admin.describeTopics(topics).allTopicNames().get(60, TimeUnit.SECONDS).entrySet()) {
                Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                d.getValue().partitions().forEach(p -> {
                    earliest.put(new TopicPartition(d.getKey(), p.partition()), OffsetSpec.earliest());
                    latest.put(new TopicPartition(d.getKey(), p.partition()), OffsetSpec.latest());
                });
                ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
                var begins = admin.listOffsets(earliest, committed).all().get(60, TimeUnit.SECONDS);
                var ends = admin.listOffsets(latest, committed).all().get(60, TimeUnit.SECONDS);
                Map<TopicPartition, long[]> r = new HashMap<>();
                begins.forEach((tp, b) -> r.put(tp, new long[] {b.offset(), ends.get(tp).offset()}));
                out.put(d.getKey(), r);
            }
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the topics' offsets on " + bootstrap + ": " + e.getCause(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("No answer from " + bootstrap + " within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** Reads every partition from its start to its end as of the audit's start, read_committed. */
    private static void read(String bootstrap, Map<TopicPartition, long[]> ranges, PrintStream progress, String what,
            java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "eos-verify-" + UUID.randomUUID());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        long total = 0;
        for (long[] r : ranges.values()) {
            total += r[1] - r[0];
        }
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> left = new ArrayList<>();
            ranges.forEach((tp, r) -> {
                if (r[1] > r[0]) {
                    left.add(tp);
                }
            });
            c.assign(left);
            left.forEach(tp -> c.seek(tp, ranges.get(tp)[0]));
            long read = 0;
            long lastReport = System.nanoTime();
            while (!left.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < ranges.get(tp)[1]) {
                        each.accept(r);
                        read++;
                    }
                }
                left.removeIf(tp -> c.position(tp) >= ranges.get(tp)[1]);
                c.pause(new ArrayList<>(c.assignment()).stream().filter(tp -> !left.contains(tp)).toList());
                if (progress != null && System.nanoTime() - lastReport > 2_000_000_000L) {
                    progress.printf("verify: reading %s: %,d of at most %,d records%n", what, read, total);
                    lastReport = System.nanoTime();
                }
            }
            if (progress != null) {
                progress.printf("verify: read %s: %,d records%n", what, read);
            }
        }
    }
}
