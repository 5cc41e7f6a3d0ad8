package dev.eos.benchmarks;

import dev.eos.testkit.ChildJvm;
import dev.eos.testkit.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario crash-restore ({@code ./eos bench --scenario crash-restore}): what a restore after a crash reads and
 * how long it takes. Per contender, in a JVM of its own on a state directory of its own: count {@code --keys}
 * records of distinct keys (1,000,000; the changelog gets one record per key), stop cleanly, start again and count
 * 10,000 updates, kill it with SIGKILL as soon as their counts are out, then start it again on the same state
 * directory and time until the counts of 10,000 further updates are out (start-up and restore included), with the
 * changelog records its restore read (from its restore lines). A full restore reads every key.
 *
 * <pre>
 * ./eos bench --scenario crash-restore --repeat 3
 * ./eos bench --scenario crash-restore --keys 100000 --contenders eos,kafka-streams-eos
 * </pre>
 */
final class CrashRestore {

    private static final Pattern RESTORED = Pattern.compile("restored: (\\d+) changelog record.*? in (\\d+) ms");
    private static final int UPDATES = 10_000;

    /**
     * One run: the changelog records the restore after the crash read, its time (the longest partition's, from its
     * restore's start to its end), and the time from the restart until the new counts were out (a rejoin that
     * waits for the killed member's session to expire included).
     */
    record Result(long restoredRecords, long restoreMillis, long millis) {
    }

    private CrashRestore() {
    }

    /** Runs the scenario with the options of {@code ./eos bench}: keys, repeat, contenders, bootstrap. */
    static void run(Map<String, String> options) throws Exception {
        int keys = Integer.parseInt(options.getOrDefault("keys", "1000000"));
        int repeat = Integer.parseInt(options.getOrDefault("repeat", "1"));
        List<Contender> contenders = new ArrayList<>();
        for (String c : options.getOrDefault("contenders", "eos,kafka-streams-eos,kafka-streams-eos-txstores")
                .split(",")) {
            contenders.add(Contender.of(c.trim()));
        }
        String bootstrap = options.get("bootstrap");
        KafkaCluster cluster = null;
        try {
            if (bootstrap == null) {
                EndToEndBenchmark.say("starting a local 1-node Kafka cluster...");
                cluster = dev.eos.testkit.LocalKafkaCluster.builder().heap("1g").build().start();
                bootstrap = cluster.bootstrapServers();
            }
            run(bootstrap, contenders, keys, repeat);
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private static void run(String bootstrap, List<Contender> contenders, int keys, int repeat) throws Exception {
        EndToEndBenchmark.KEYS = keys;
        Map<String, List<Result>> results = new LinkedHashMap<>();
        for (int rep = 0; rep < repeat; rep++) {
            for (Contender c : contenders) {
                Result r = once(bootstrap, c, keys, rep);
                EndToEndBenchmark.say(String.format(Locale.ROOT, "%-28s crash restore: %,d changelog records read in "
                        + "%,d ms; new counts out %,d ms after the restart", c.label, r.restoredRecords(),
                        r.restoreMillis(), r.millis()));
                results.computeIfAbsent(c.label, k -> new ArrayList<>()).add(r);
            }
        }
        StringBuilder json = new StringBuilder("{\"scenario\":\"crash-restore\",\"keys\":" + keys + ",\"results\":{");
        Result eos = null;
        Map<String, Result> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Result>> e : results.entrySet()) {
            List<Result> sorted = new ArrayList<>(e.getValue());
            sorted.sort(Comparator.comparingLong(Result::restoreMillis));
            Result m = sorted.get((sorted.size() - 1) / 2);
            medians.put(e.getKey(), m);
            EndToEndBenchmark.say(String.format(Locale.ROOT, "%-28s crash restore (median of %d): %,d records read "
                    + "in %,d ms; new counts out after %,d ms", e.getKey(), sorted.size(), m.restoredRecords(),
                    m.restoreMillis(), m.millis()));
            if (e.getKey().equals(Contender.EOS.label)) {
                eos = m;
            }
        }
        for (Map.Entry<String, Result> e : medians.entrySet()) {
            if (eos != null && !e.getKey().equals(Contender.EOS.label)) {
                EndToEndBenchmark.say(String.format(Locale.ROOT, "eos / %s: %.3fx records read, %.2fx restore time",
                        e.getKey(), (double) eos.restoredRecords() / Math.max(1, e.getValue().restoredRecords()),
                        (double) eos.restoreMillis() / Math.max(1, e.getValue().restoreMillis())));
            }
            json.append(json.charAt(json.length() - 1) == '{' ? "" : ",").append('"').append(e.getKey())
                    .append("\":{\"restoredRecords\":").append(e.getValue().restoredRecords())
                    .append(",\"restoreMillis\":").append(e.getValue().restoreMillis())
                    .append(",\"millis\":").append(e.getValue().millis()).append('}');
        }
        EndToEndBenchmark.say(json.append("}}").toString());
    }

    private static Result once(String bootstrap, Contender c, int keys, int rep) throws Exception {
        String run = "crash-" + c.label + "-" + rep + "-" + Long.toString(System.currentTimeMillis(), 36);
        String input = run + "-in";
        String output = run + "-out";
        KafkaCluster.createTopics(bootstrap, EndToEndBenchmark.PARTITIONS, input, output);
        Path stateDir = Files.createTempDirectory("bench-crash-");
        Path logs = Files.createTempDirectory("bench-crash-logs-");
        EndToEndBenchmark.say(c.label + ": loading " + keys + " keys (logs in " + logs + ")");
        EndToEndBenchmark.produce(bootstrap, input, 0, keys, 0, Scenario.STATE);
        ChildJvm child = start(c, bootstrap, run, input, output, stateDir, logs, "load");
        awaitCounts(bootstrap, output, keys, child);
        child.stop(60);

        long updated = keys + UPDATES;
        EndToEndBenchmark.produce(bootstrap, input, keys, updated, 0, Scenario.STATE);
        child = start(c, bootstrap, run, input, output, stateDir, logs, "update");
        awaitCounts(bootstrap, output, updated, child);
        child.kill(); // SIGKILL as soon as the counts are out

        long total = updated + UPDATES;
        EndToEndBenchmark.produce(bootstrap, input, updated, total, 0, Scenario.STATE);
        long t0 = System.nanoTime();
        child = start(c, bootstrap, run, input, output, stateDir, logs, "after-crash");
        try {
            awaitCounts(bootstrap, output, total, child);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long restored = 0;
            long restoreMs = 0;
            Matcher m = RESTORED.matcher(child.log());
            while (m.find()) {
                restored += Long.parseLong(m.group(1));
                restoreMs = Math.max(restoreMs, Long.parseLong(m.group(2)));
            }
            return new Result(restored, restoreMs, ms);
        } finally {
            child.stop(60);
        }
    }

    private static ChildJvm start(Contender c, String bootstrap, String app, String input, String output,
            Path stateDir, Path logs, String phase) {
        return ChildJvm.start(c.label + "-" + phase, CrashRestoreChild.class.getName(),
                List.of(c.label, bootstrap, app, input, output, stateDir.toString()),
                List.of("-Xmx1g", "-XX:+UseParallelGC"), logs);
    }

    private static void awaitCounts(String bootstrap, String output, long records, ChildJvm child) throws Exception {
        try (OutputWatcher w = OutputWatcher.counting(bootstrap, output, records,
                key -> EndToEndBenchmark.expectedCount(key, records))) {
            if (!w.await(Duration.ofMinutes(10))) {
                throw new IllegalStateException("the counts of " + records + " records did not all arrive in 10 "
                        + "minutes; see " + child.logFile());
            }
        }
    }
}
