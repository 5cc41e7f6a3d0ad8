package dev.eos.benchmarks;

import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.LocalKafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The end-to-end benchmark ({@code ./eos bench}): runs eos, Kafka Streams with {@code exactly_once_v2} and a
 * plain at-least-once consume/produce loop on the same broker, one after the other, over the same input, with
 * the same verifier ({@link OutputWatcher}: read_committed, duplicates and losses counted), and prints a table
 * and, as its last line, one JSON object with the results.
 *
 * <p>Throughput is the steady-state rate from the first output record to the last; the time from start to the
 * first output is reported separately as startup. Latency (scenario {@code latency}) is the time from the send
 * time carried in the input value to the moment the verifier reads the committed output; the timed input
 * starts once a probe record has gone through and {@code --warmup} seconds (default 10) of input at the same
 * rate have been processed, so group join, startup and JIT compilation are not counted. In the throughput
 * scenarios every contender first runs once over {@code --warmup-records} records of a topic of their own (not
 * reported), for the same reason. With {@code --repeat K} the order of the contenders alternates, and the
 * summary and the JSON line report each contender's median repetition (by throughput, or by p99 latency in
 * {@code latency}), with the duplicates and losses of every repetition summed. A warm-up stops after half of
 * {@code --budget} seconds (default 120) and a run after {@code --budget}: a contender that commits a transaction
 * per record (a few hundred records/s) is measured on what it processed by then, reported as partial, so that
 * every documented command ends within minutes.
 *
 * <pre>
 * ./eos bench --scenario cpu --records 1000000
 * ./eos bench --scenario io  --records 50000
 * ./eos bench --scenario latency --rate 20000 --duration 30
 * </pre>
 */
public final class EndToEndBenchmark {

    private EndToEndBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parse(argv);
        for (String kv : a.getOrDefault("eos-config", "").split(",")) {
            if (!kv.isBlank()) {
                String[] p = kv.split("=", 2);
                Contender.EXTRA_EOS_CONFIG.put(p[0].trim(), p.length > 1 ? p[1].trim() : "");
            }
        }
        if ("jdbc".equals(a.get("scenario"))) {
            JdbcBench.run(a);
            return;
        }
        if ("crash-restore".equals(a.get("scenario"))) {
            CrashRestore.run(a);
            return;
        }
        Scenario scenario = Scenario.of(a.getOrDefault("scenario", "cpu"));
        int partitions = Integer.parseInt(a.getOrDefault("partitions", "6"));
        PARTITIONS = partitions;
        boolean skewed = scenario == Scenario.SKEW || scenario == Scenario.SKEW_HOT;
        KEYS = Integer.parseInt(a.getOrDefault("keys", skewed ? "1000" : "10000"));

        int rate = Integer.parseInt(a.getOrDefault("rate", "20000"));
        int duration = Integer.parseInt(a.getOrDefault("duration", "30"));
        int repeat = Integer.parseInt(a.getOrDefault("repeat", "1"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "10"));
        // slow contenders (a transaction per record: a few hundred records/s) would need hours for a million
        Duration budget = Duration.ofSeconds(Long.parseLong(a.getOrDefault("budget", "120")));
        Duration warmupBudget = budget.dividedBy(2);
        boolean slow = scenario == Scenario.IO || scenario == Scenario.SKEW || scenario == Scenario.SKEW_HOT;
        long warmupRecords = Long.parseLong(a.getOrDefault("warmup-records",
                slow ? "2000" : scenario == Scenario.IO_ASYNC ? "300000" : "1000000"));
        long records = scenario == Scenario.LATENCY ? (long) rate * duration
                : Long.parseLong(a.getOrDefault("records", slow ? "50000" : "1000000"));
        List<Contender> contenders = new ArrayList<>();
        String defaultContenders = switch (scenario) {
            case STATE -> "eos,kafka-streams-eos,kafka-streams-eos-nocache";
            case IO_ASYNC -> "eos,eos-cpu";
            case SKEW, SKEW_HOT -> "eos,kafka-streams-eos,spring-kafka-tx,parallel-consumer-tx";
            default -> "eos,kafka-streams-eos,spring-kafka-tx,parallel-consumer-tx,at-least-once";
        };
        for (String c : a.getOrDefault("contenders", defaultContenders).split(",")) {
            contenders.add(Contender.of(c.trim()));
        }
        say(String.format(Locale.ROOT, "%d contender(s) x (warm-up + %d run(s)); each warm-up stops after %d s and "
                + "each run after --budget %d s (then reported as partial): at most about %d min",
                contenders.size(), repeat, warmupBudget.toSeconds(), budget.toSeconds(),
                (contenders.size() * (warmupBudget.toSeconds() + repeat * (budget.toSeconds()
                        + (scenario == Scenario.LATENCY ? duration + warmup : 0))) + 59) / 60 + 1));
        KafkaCluster cluster = null;
        String bootstrap = a.get("bootstrap");
        try {
            if (bootstrap == null) {
                say("starting a local 1-node Kafka cluster...");
                cluster = LocalKafkaCluster.builder().heap("1g").build().start();
                bootstrap = cluster.bootstrapServers();
            }
            String run = Long.toString(System.currentTimeMillis(), 36);
            String input = "bench-in-" + run;
            KafkaCluster.createTopics(bootstrap, partitions, input);
            if (scenario != Scenario.LATENCY) {
                if (scenario != Scenario.STATE) { // scenario state preloads an input per contender and run
                    say("preloading " + records + " records of 100 bytes into " + partitions + " partitions...");
                    produce(bootstrap, input, 0, records, 0, scenario);
                }
                if (warmupRecords > 0) {
                    // JIT compilation of the shared client code is paid here, not by whoever runs first
                    String warmInput = "bench-warmup-" + run;
                    KafkaCluster.createTopics(bootstrap, partitions, warmInput);
                    produce(bootstrap, warmInput, 0, warmupRecords, 0, scenario);
                    for (Contender c : contenders) {
                        String output = "bench-warmup-out-" + c.label + "-" + run;
                        KafkaCluster.createTopics(bootstrap, partitions, output);
                        try (OutputWatcher w = watcher(bootstrap, output, warmupRecords, scenario)) {
                            AutoCloseable handle = c.start(bootstrap, "bench-warmup-" + c.label + "-" + run,
                                    warmInput, output, scenario);
                            boolean whole;
                            try {
                                whole = awaitWithProgress(w, "warm-up " + c.label, warmupRecords, warmupBudget);
                            } finally {
                                handle.close();
                            }
                            say(String.format("warm-up  %-20s %,d records at %,.0f records/s (not reported)%s",
                                    c.label, w.distinct(), w.recordsPerSec(), whole || w.distinct() >= warmupRecords
                                    ? "" : String.format(" - stopped after %d s", warmupBudget.toSeconds())));
                        }
                    }
                }
            }
            say(String.format("%-20s %12s %10s %10s %10s %10s %8s %8s", "contender", "records/s", "startup_ms",
                    "p50_ms", "p99_ms", "max_ms", "dups", "lost"));
            Map<String, List<Result>> results = new LinkedHashMap<>();
            Map<String, List<StateRestore.Result>> restores = new LinkedHashMap<>();
            for (int rep = 0; rep < repeat; rep++) {
                List<Contender> order = new ArrayList<>(contenders);
                if (rep % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (Contender c : order) {
                    String contenderInput = input;
                    long base = 0;
                    if (scenario == Scenario.LATENCY || scenario == Scenario.STATE) {
                        contenderInput = input + "-" + c.label + "-" + rep;
                        KafkaCluster.createTopics(bootstrap, partitions, contenderInput);
                    }
                    if (scenario == Scenario.STATE) {
                        produce(bootstrap, contenderInput, 0, records, 0, scenario);
                    }
                    String output = "bench-out-" + c.label + "-" + run + "-" + rep;
                    KafkaCluster.createTopics(bootstrap, partitions, output);
                    String app = "bench-" + c.label + "-" + run + "-" + rep;
                    try (OutputWatcher w = scenario == Scenario.STATE ? watcher(bootstrap, output, records, scenario)
                            : new OutputWatcher(bootstrap, output, records, scenario == Scenario.LATENCY)) {
                        long t0 = System.nanoTime();
                        long startupMs = -1;
                        boolean complete;
                        AutoCloseable handle = c.start(bootstrap, app, contenderInput, output, scenario);
                        try {
                            if (scenario == Scenario.LATENCY) {
                                // a probe record first: the timed input starts once the contender has joined
                                // its group and processes, so startup is not counted as latency
                                produce(bootstrap, contenderInput, records, records + 1, 0, scenario);
                                if (!w.awaitFirstOutputAndReset(Duration.ofMinutes(2))) {
                                    say(c.label + ": the probe record got no output within 2 minutes");
                                }
                                startupMs = (System.nanoTime() - t0) / 1_000_000;
                                // warm-up at the same rate (ids above the measured range, ignored), so JIT
                                // compilation of the client code is not charged to whoever runs first
                                produceAtRate(bootstrap, contenderInput, records + 1, (long) rate * warmup, rate);
                                w.awaitFirstOutputAndReset(Duration.ofMinutes(2));
                                produceAtRate(bootstrap, contenderInput, 0, records, rate);
                            }
                            complete = awaitWithProgress(w, c.label, records, budget);
                        } finally {
                            handle.close();
                        }
                        if (!complete && scenario == Scenario.LATENCY) {
                            say(String.format(Locale.ROOT, "%s cannot keep up with --rate %d (about %,.0f records/s):"
                                    + " %,d of %,d timed records arrived within --budget %d s, so its latency grows "
                                    + "without bound; a rate below its throughput measures it", c.label, rate,
                                    w.recordsPerSec(), w.distinct(), records, budget.toSeconds()));
                        } else if (!complete) {
                            say(String.format(Locale.ROOT, "%s: --budget %d s reached; %,d of %,d records processed "
                                    + "by its close: its figures cover those (a partial run, not a loss)", c.label,
                                    budget.toSeconds(), w.distinct(), records));
                        }
                        if (scenario != Scenario.LATENCY) {
                            startupMs = w.firstNs() < 0 ? -1 : (w.firstNs() - t0) / 1_000_000;
                        }
                        Result r = new Result(w.recordsPerSec(), startupMs, w.latencyQuantile(0.5),
                                w.latencyQuantile(0.99), w.latencyQuantile(1.0), w.duplicates(),
                                complete ? 0 : records - w.distinct(), complete);
                        say(r.row(c.label));
                        if (w.breakdown() != null) {
                            say(String.format(Locale.ROOT, "%-20s latency breakdown: %s", c.label, w.breakdown()));
                        }
                        results.computeIfAbsent(c.label, k -> new ArrayList<>()).add(r);
                    }
                    if (scenario == Scenario.STATE) {
                        StateRestore.Result restored = StateRestore.measure(c, bootstrap, app, contenderInput, output,
                                records, KEYS);
                        say(String.format(Locale.ROOT, "%-20s restore: %,d changelog records in %,d ms (%,.0f records/s);"
                                + " the restore phase alone: %,d records in %,d ms", c.label,
                                restored.changelogRecords(), restored.millis(), restored.recordsPerSec(),
                                restored.phaseRecords(), restored.phaseMillis()));
                        restores.computeIfAbsent(c.label, k -> new ArrayList<>()).add(restored);
                    }
                }
            }
            boolean latency = scenario == Scenario.LATENCY;
            Map<String, Result> medians = new LinkedHashMap<>();
            for (Contender c : contenders) {
                medians.put(c.label, Result.median(results.get(c.label), latency));
            }
            if (repeat > 1) {
                say("median of " + repeat + " repetitions (by " + (latency ? "p99" : "records/s")
                        + "; dups and lost summed over all):");
                for (Map.Entry<String, Result> e : medians.entrySet()) {
                    say(e.getValue().row(e.getKey()));
                }
            }
            Result eos = medians.get(Contender.EOS.label);
            for (Map.Entry<String, Result> e : medians.entrySet()) {
                if (eos != null && latency && !e.getKey().equals(Contender.EOS.label) && e.getValue().p99 < 0) {
                    say("eos / " + e.getKey() + ": no ratio: " + e.getKey() + " could not keep up with --rate");
                } else if (eos != null && !e.getKey().equals(Contender.EOS.label)) {
                    say(String.format(Locale.ROOT, "eos / %s: %.2fx %s", e.getKey(),
                            latency ? (double) eos.p99 / e.getValue().p99 : eos.recordsPerSec / e.getValue().recordsPerSec,
                            latency ? "p99 latency" : "throughput"));
                }
            }
            Result coalesced = medians.get(Contender.EOS_COALESCED.label);
            for (Map.Entry<String, Result> e : medians.entrySet()) {
                if (coalesced != null && !latency && e.getKey().startsWith("kafka-streams")) {
                    say(String.format(Locale.ROOT, "eos-coalesced / %s: %.2fx throughput", e.getKey(),
                            coalesced.recordsPerSec / e.getValue().recordsPerSec));
                }
            }
            if (scenario == Scenario.STATE) {
                StateRestore.report(restores, EndToEndBenchmark::say);
            }
            if (scenario == Scenario.SKEW || scenario == Scenario.SKEW_HOT) {
                SkewIdeal ideal = SkewIdeal.of(scenario, records, KEYS, Contender.workers(scenario));
                say(ideal.describe());
                for (Map.Entry<String, Result> e : medians.entrySet()) {
                    say(String.format(Locale.ROOT, "%-20s %,.1f s = %.2fx the ideal", e.getKey(),
                            records / e.getValue().recordsPerSec, ideal.ratio(records, e.getValue().recordsPerSec)));
                }
            }
            Map<String, String> json = new LinkedHashMap<>();
            for (Map.Entry<String, Result> e : medians.entrySet()) {
                json.put(e.getKey(), e.getValue().json(latency));
            }
            StringBuilder sb = new StringBuilder("{\"scenario\":\"").append(scenario.label())
                    .append("\",\"records\":").append(records).append(",\"partitions\":").append(partitions)
                    .append(",\"results\":{");
            String sep = "";
            for (Map.Entry<String, String> e : json.entrySet()) {
                sb.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
                sep = ",";
            }
            System.out.println(sb.append("}}"));
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
        System.exit(0);
    }

    /** What one run of one contender measured. */
    private static final class Result {
        final double recordsPerSec;
        final long startupMs;
        final long p50;
        final long p99;
        final long max;
        long duplicates;
        /** Records with no output in a run that finished; 0 for a partial run (see {@link #unfinished}). */
        long lost;
        /** Records a partial run (stopped by --budget) had not processed yet: not a loss. */
        long unfinished;

        Result(double recordsPerSec, long startupMs, long p50, long p99, long max, long duplicates, long notArrived,
                boolean complete) {
            this(recordsPerSec, startupMs, p50, p99, max, duplicates, complete ? notArrived : 0);
            this.unfinished = complete ? 0 : notArrived;
        }

        Result(double recordsPerSec, long startupMs, long p50, long p99, long max, long duplicates, long lost) {
            this.recordsPerSec = recordsPerSec;
            this.startupMs = startupMs;
            this.p50 = p50;
            this.p99 = p99;
            this.max = max;
            this.duplicates = duplicates;
            this.lost = lost;
        }

        /** The median run by throughput (or by p99 latency), with duplicates and losses of all runs summed. */
        static Result median(List<Result> runs, boolean byLatency) {
            List<Result> sorted = new ArrayList<>(runs);
            sorted.sort(java.util.Comparator.comparingDouble(r -> byLatency ? r.p99 : r.recordsPerSec));
            Result m = sorted.get((sorted.size() - 1) / 2);
            Result out = new Result(m.recordsPerSec, m.startupMs, m.p50, m.p99, m.max, 0, 0);
            for (Result r : runs) {
                out.duplicates += r.duplicates;
                out.lost += r.lost;
                out.unfinished += r.unfinished;
            }
            return out;
        }

        String row(String label) {
            return String.format("%-20s %12.0f %10d %10d %10d %10d %8d %8d", label, recordsPerSec, startupMs, p50,
                    p99, max, duplicates, lost) + (unfinished > 0 ? String.format(Locale.ROOT,
                    "  partial: %,d records unprocessed at --budget", unfinished) : "");
        }

        String json(boolean latency) {
            return String.format(Locale.ROOT, "{\"recordsPerSec\":%.0f,\"startupMs\":%d,\"p99LatencyMs\":%s,"
                    + "\"duplicates\":%d,\"lost\":%d,\"unfinished\":%d}", recordsPerSec, startupMs,
                    latency ? String.valueOf(p99) : "null", duplicates, lost, unfinished);
        }
    }

    /**
     * Waits until every one of {@code records} outputs arrived or {@code budget} ran out (returns false), with a
     * progress line every 30 s.
     */
    private static boolean awaitWithProgress(OutputWatcher w, String label, long records, Duration budget)
            throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (w.await(Duration.ofNanos(Math.max(1, Math.min(left, Duration.ofSeconds(30).toNanos()))))) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            say(String.format(Locale.ROOT, "  %s: %,d of %,d records (%,.0f records/s)", label, w.distinct(), records,
                    w.recordsPerSec()));
        }
    }

    /** Input keys: see {@link Scenario#key} ({@code --keys}, default 10,000; 1,000 in skew and skew-hot). */
    static int KEYS = 10_000;

    /** Partitions of the input and output topics ({@code --partitions}, default 6). */
    static int PARTITIONS = 6;

    /** The watcher of a run of {@code records} inputs; in scenario state, of the counts per key. */
    private static OutputWatcher watcher(String bootstrap, String output, long records, Scenario scenario) {
        if (scenario != Scenario.STATE) {
            return new OutputWatcher(bootstrap, output, records, false);
        }
        return OutputWatcher.counting(bootstrap, output, records, key -> expectedCount(key, records));
    }

    /** How many of {@code records} inputs carry {@code key}. */
    static long expectedCount(String key, long records) {
        long k = Long.parseLong(key.substring(1));
        return records / KEYS + (k < records % KEYS ? 1 : 0);
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + argv[i]);
            }
            String k = argv[i].substring(2);
            if (k.equals("help")) {
                System.out.println("usage: eos bench [--scenario cpu|io|latency|state|skew|skew-hot|io-async|crash-restore|jdbc] "
                        + "[--records N] "
                        + "[--partitions P] [--keys K] [--rate R] [--duration S] [--warmup S] [--warmup-records N] "
                        + "[--repeat K] [--budget S] [--contenders C,C,...] (contenders: " + Contender.LABELS + ") "
                        + "[--bootstrap HOST:PORT] [--eos-config key=value,key=value]");
                System.exit(0);
            }
            if (i + 1 >= argv.length) {
                throw new IllegalArgumentException("--" + k + " needs a value");
            }
            m.put(k, argv[++i]);
        }
        return m;
    }

    private static KafkaProducer<String, String> producer(String bootstrap, int lingerMs) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1); // see KAFKA-15591
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    static void produce(String bootstrap, String topic, long from, long to, int lingerMs, Scenario scenario) {
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<String, String> p = producer(bootstrap, Math.max(lingerMs, 10))) {
            for (long i = from; i < to; i++) {
                p.send(new ProducerRecord<>(topic, scenario.key(i, KEYS), Scenario.inputValue(i,
                        System.currentTimeMillis())), (md, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                        });
            }
        }
        if (failed.get() != null) {
            throw new IllegalStateException("preloading the input failed: " + failed.get(), failed.get());
        }
    }

    /** Produces {@code n} records at {@code rate} per second, each carrying its send time. */
    private static void produceAtRate(String bootstrap, String topic, long firstId, long n, int rate) {
        AtomicLong errors = new AtomicLong();
        try (KafkaProducer<String, String> p = producer(bootstrap, 1)) {
            long start = System.nanoTime();
            for (long i = 0; i < n; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long now;
                while ((now = System.nanoTime()) < due) {
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.min(due - now, 200_000));
                }
                long id = firstId + i;
                p.send(new ProducerRecord<>(topic, "k" + (id % KEYS), Scenario.inputValue(id,
                        System.currentTimeMillis())), (md, e) -> {
                            if (e != null) {
                                errors.incrementAndGet();
                            }
                        });
            }
        }
        if (errors.get() > 0) {
            say("warning: " + errors.get() + " input records failed to send");
        }
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
