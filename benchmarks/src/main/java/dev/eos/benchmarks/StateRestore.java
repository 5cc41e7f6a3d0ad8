package dev.eos.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The restore measurement of scenario state: after a contender counted its input and stopped, 10,000 more records
 * (one per key for up to 10,000 keys) are written and the contender is started again on the same application id with an empty state directory,
 * so it must rebuild its store from the changelog before it can count them. The time from that start until every
 * new count is out, and the records in the changelog, give the restore rate.
 */
final class StateRestore {

    /**
     * One restore: the committed records of the changelog, the time until the new counts were out, and the restore
     * phase alone ({@link RestorePhase}: the records the restore read and its longest partition's time).
     */
    record Result(long changelogRecords, long millis, long phaseRecords, long phaseMillis) {
        double recordsPerSec() {
            return changelogRecords * 1000.0 / Math.max(1, millis);
        }

        double phaseRecordsPerSec() {
            return phaseRecords * 1000.0 / Math.max(1, phaseMillis);
        }
    }

    private StateRestore() {
    }

    static Result measure(Contender c, String bootstrap, String app, String input, String output, long records,
            int keys) throws Exception {
        long changelog = countCommitted(bootstrap, app + "-" + Contender.COUNTS.name() + "-changelog");
        long total = records + Math.min(keys, 10_000); // every partition gets some, whatever the key count
        EndToEndBenchmark.produce(bootstrap, input, records, total, 0, Scenario.STATE);
        try (OutputWatcher w = OutputWatcher.counting(bootstrap, output, total,
                key -> EndToEndBenchmark.expectedCount(key, total))) {
            RestorePhase.reset();
            long t0 = System.nanoTime();
            AutoCloseable handle = c.start(bootstrap, app, input, output, Scenario.STATE);
            long ms;
            try {
                if (!w.await(Duration.ofMinutes(10))) {
                    EndToEndBenchmark.say(c.label + ": the counts after the restore did not all arrive in 10 min");
                }
                ms = (System.nanoTime() - t0) / 1_000_000;
            } finally {
                handle.close();
            }
            if (w.duplicates() > 0 || w.distinct() < total) {
                EndToEndBenchmark.say(c.label + ": after the restore " + w.duplicates() + " counts too high, "
                        + (total - w.distinct()) + " missing");
            }
            return new Result(changelog, ms, RestorePhase.records(), RestorePhase.longestMillis());
        }
    }

    /**
     * Prints the median restore of each contender (start-up included) and the median restore phase alone, and
     * eos's ratios to the others.
     */
    static void report(Map<String, List<Result>> restores, Consumer<String> say) {
        Map<String, Result> medians = new HashMap<>();
        Map<String, Result> phases = new HashMap<>();
        restores.forEach((label, runs) -> {
            List<Result> sorted = new ArrayList<>(runs);
            sorted.sort(Comparator.comparingDouble(Result::recordsPerSec));
            Result m = sorted.get((sorted.size() - 1) / 2);
            medians.put(label, m);
            sorted.sort(Comparator.comparingDouble(Result::phaseRecordsPerSec));
            Result p = sorted.get((sorted.size() - 1) / 2);
            phases.put(label, p);
            say.accept(String.format(Locale.ROOT, "%-20s restore (median): %,d changelog records in %,d ms, %,.0f "
                    + "records/s; the restore phase alone (median): %,d records in %,d ms, %,.0f records/s", label,
                    m.changelogRecords(), m.millis(), m.recordsPerSec(), p.phaseRecords(), p.phaseMillis(),
                    p.phaseRecordsPerSec()));
        });
        Result eos = medians.get(Contender.EOS.label);
        Result eosPhase = phases.get(Contender.EOS.label);
        medians.forEach((label, m) -> {
            if (eos != null && !label.equals(Contender.EOS.label)) {
                say.accept(String.format(Locale.ROOT, "eos / %s: %.2fx restore rate, %.2fx restore time; restore "
                        + "phase alone: %.2fx rate", label, eos.recordsPerSec() / m.recordsPerSec(),
                        (double) eos.millis() / m.millis(),
                        eosPhase.phaseRecordsPerSec() / phases.get(label).phaseRecordsPerSec()));
            }
        });
    }

    /** The records of a topic as read_committed readers see them. */
    private static long countCommitted(String bootstrap, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            long n = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline) {
                boolean done = true;
                for (TopicPartition tp : tps) {
                    if (consumer.position(tp) < ends.get(tp)) {
                        done = false;
                        break;
                    }
                }
                if (done) {
                    return n;
                }
                n += consumer.poll(Duration.ofMillis(200)).count();
            }
            throw new IllegalStateException("could not read " + topic + " to its end in 5 minutes");
        }
    }
}
