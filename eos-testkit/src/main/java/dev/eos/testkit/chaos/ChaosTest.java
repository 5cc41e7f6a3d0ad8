package dev.eos.testkit.chaos;

import dev.eos.testkit.ChildJvm;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.KafkaNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Chaos tests for your own pipeline: it runs the pipeline's main class as worker processes (child JVMs) against a
 * 3-node cluster, applies seeded fault schedules ({@link FaultSchedule}: workers killed with SIGKILL, paused past
 * their session, joining and leaving; brokers killed and restarted, or paused past their session; bursts of
 * input; the schedules alternate the {@code classic} and {@code consumer} group protocols), then checks the
 * committed output with {@link OutputCheck}: every input exactly once in the output (or the dead-letter topic),
 * in order per key, no read of aborted data. Each schedule prints its seed and the line that replays it.
 *
 * <pre>{@code
 * @WithKafkaCluster(nodes = 3, shared = false)
 * class MyPipelineChaosIT {
 *     @Test
 *     void shouldStayExactlyOnce(KafkaCluster kafka) {
 *         ChaosTest.Report report = ChaosTest.builder(kafka)
 *                 .mainClass("com.example.MyPipelineMain")   // reads the arguments of ChaosTest.Worker
 *                 .outputId(value -> value.substring("done:".length()))
 *                 .schedules(2)
 *                 .run();
 *         assertThat(report.violations()).as(report.toString()).isZero();
 *     }
 * }
 * }</pre>
 *
 * <p>The input records have the keys {@code key-0} to {@code key-<keys-1>} and unique values (a 9-digit id); the
 * pipeline must write, for each, one output from whose value {@link Builder#outputId} recovers that id. System
 * properties {@code eos.chaos.seed} and {@code eos.chaos.schedules} override the builder's seed and count.
 */
public final class ChaosTest {

    /**
     * What one worker process is started for; {@link #arguments()} is the default command line:
     * {@code --bootstrap B --app A --instance I --input T --output T --group-protocol P}, and
     * {@code --dead-letter-topic D} when the run has a dead-letter topic. {@code schedule} is a number to vary the
     * workload by ({@code schedule % 2}, {@code % 4}, ...): it follows the schedule's seed (the seed modulo 720720,
     * which every count up to 16 divides), so consecutive seeds take turns and a replay of one seed runs the same
     * workload, and the same group protocol, as the run that printed it.
     */
    public record Worker(String bootstrap, String applicationId, String instanceId, String input, String output,
            String deadLetterTopic, String groupProtocol, int schedule) {

        /** The default command line. */
        public List<String> arguments() {
            List<String> args = new ArrayList<>(List.of("--bootstrap", bootstrap, "--app", applicationId,
                    "--instance", instanceId, "--input", input, "--output", output, "--group-protocol", groupProtocol));
            if (deadLetterTopic != null) {
                args.addAll(List.of("--dead-letter-topic", deadLetterTopic));
            }
            return args;
        }
    }

    /**
     * Where a pipeline's committed results are read, when they are not Kafka topics (a database written through a
     * sink): how many inputs they account for, and the check of them against the committed input.
     */
    public interface Outputs {
        /** How many distinct inputs of the run have a committed result or dead letter now. */
        long accountedFor(Worker run) throws Exception;

        /** Checks the committed results against the committed input of the run (as {@link OutputCheck} does). */
        OutputCheck.Report check(Worker run) throws Exception;
    }

    /** The outcome of every schedule run. */
    public static final class Report {
        private final List<String> lines = new ArrayList<>();
        private long violations;

        /** Violations over all schedules. */
        public long violations() {
            return violations;
        }

        /** One line per schedule: its seed, what the check found, and how to replay it. */
        public List<String> lines() {
            return lines;
        }

        @Override
        public String toString() {
            return String.join("\n", lines);
        }
    }

    /** Configures and runs a chaos test. */
    public static final class Builder {
        private final KafkaCluster cluster;
        private String mainClass;
        private Function<Worker, List<String>> arguments = Worker::arguments;
        private Function<String, String> outputId = Function.identity();
        private Predicate<String> poison = v -> false;
        private boolean deadLetters;
        private int partitions = 6;
        private int keys = 300;
        private int workers = 2;
        private int schedules = 1;
        private long seed = System.currentTimeMillis();
        private List<String> jvmOptions = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        private List<String> protocols = List.of("classic", "consumer");
        private BiConsumer<Worker, OutputCheck.Report> extraCheck = (w, r) -> { };
        private Duration await = Duration.ofMinutes(3);
        private Outputs outputs;
        private Runnable fault;
        private String faultName;

        private Builder(KafkaCluster cluster) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
        }

        /** The pipeline's main class; it runs until SIGTERM, which must close the pipeline. Required. */
        public Builder mainClass(String className) {
            this.mainClass = Objects.requireNonNull(className, "className");
            return this;
        }

        /** The command line of a worker (default {@link Worker#arguments()}). */
        public Builder arguments(Function<Worker, List<String>> arguments) {
            this.arguments = Objects.requireNonNull(arguments, "arguments");
            return this;
        }

        /** Maps an output value back to the input value (the id) it was made from; default: the same value. */
        public Builder outputId(Function<String, String> outputId) {
            this.outputId = Objects.requireNonNull(outputId, "outputId");
            return this;
        }

        /** Gives the run a dead-letter topic; inputs for which {@code poison} holds must end there. */
        public Builder deadLetters(Predicate<String> poison) {
            this.poison = Objects.requireNonNull(poison, "poison");
            this.deadLetters = true;
            return this;
        }

        /** Partitions of the input and output topics (default 6). */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /** Distinct input keys (default 300). */
        public Builder keys(int keys) {
            this.keys = keys;
            return this;
        }

        /** Worker processes at the start (default 2; joins and leaves keep 1 to 5). */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Schedules to run, one after the other, each on topics of its own (default 1). */
        public Builder schedules(int schedules) {
            this.schedules = schedules;
            return this;
        }

        /** The seed of the first schedule; schedule i uses seed + i (default: the time). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** JVM options of the workers (default a 256 MB heap, serial GC, C1 only). */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** The group protocols the schedules alternate (default classic, consumer). */
        public Builder groupProtocols(String... protocols) {
            this.protocols = List.of(protocols);
            return this;
        }

        /** A check of your own after each schedule; record what it finds with {@link OutputCheck.Report#violation}. */
        public Builder extraCheck(BiConsumer<Worker, OutputCheck.Report> check) {
            this.extraCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * Reads and checks the results where the pipeline commits them instead of the output and dead-letter topics
         * (a database); the output topic is still created, and left empty.
         */
        public Builder outputs(Outputs where) {
            this.outputs = Objects.requireNonNull(where, "where");
            return this;
        }

        /**
         * A fault of your own, beside the schedule's (restarting the database a sink writes to): applied once per
         * schedule, after the first half of its events, and named in the schedule's log.
         */
        public Builder fault(String name, Runnable action) {
            this.faultName = Objects.requireNonNull(name, "name");
            this.fault = Objects.requireNonNull(action, "action");
            return this;
        }

        /** How long to wait for every input to be accounted for after the last event (default 3 minutes). */
        public Builder awaitOutput(Duration timeout) {
            this.await = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Runs the schedules and checks each.
         *
         * @throws IllegalStateException if no main class was given or the cluster does not have 3 nodes
         */
        public Report run() throws Exception {
            if (mainClass == null) {
                throw new IllegalStateException("ChaosTest needs the pipeline's main class (mainClass)");
            }
            String seedProperty = System.getProperty("eos.chaos.seed", "").trim();
            long first = seedProperty.isEmpty() ? seed : Long.parseLong(seedProperty);
            int count = Integer.getInteger("eos.chaos.schedules", schedules);
            String caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                    .walk(frames -> frames.map(f -> f.getDeclaringClass().getSimpleName())
                            .filter(n -> !n.equals("ChaosTest") && !n.equals("Builder")).findFirst().orElse("YourIT"));
            Report report = new Report();
            for (int i = 0; i < count; i++) {
                FaultSchedule s = FaultSchedule.generate(first + i);
                System.out.println("chaos schedule " + (i + 1) + "/" + count + ": " + s);
                Run run = new Run(this, s, i);
                OutputCheck.Report r = run.run();
                run.keepLogsOnlyIfViolated(r);
                String line = "chaos schedule " + (i + 1) + " seed=" + s.seed + ": " + r + " (replay: ./mvnw verify "
                        + "-Dit.test=" + caller + " -Deos.chaos.seed=" + s.seed + " -Deos.chaos.schedules=1)";
                System.out.println(line);
                report.lines.add(line);
                report.violations += r.violations();
            }
            System.out.println("chaos: schedules=" + count + " violations=" + report.violations + " seed=" + first);
            return report;
        }
    }

    private ChaosTest() {
    }

    /** A chaos test against {@code cluster}, which must have 3 nodes ({@code @WithKafkaCluster(nodes = 3)}). */
    public static Builder builder(KafkaCluster cluster) {
        return new Builder(cluster);
    }

    /** What varies with the seed beside the faults: the group protocol and {@link Worker#schedule()}. */
    private static int variant(FaultSchedule schedule) {
        return (int) Math.floorMod(schedule.seed, 720_720L);
    }

    /** One schedule against one set of topics. */
    private static final class Run {
        private final Builder b;
        private final FaultSchedule schedule;
        private final int index;
        private final String bootstrap;
        private final String app;
        private final String input;
        private final String output;
        private final String deadLetter;
        private final String protocol;
        private final Path logs;
        private final List<ChildJvm> workers = new ArrayList<>();
        private long produced;
        private int nextWorker = 1;

        Run(Builder b, FaultSchedule schedule, int index) throws Exception {
            this.b = b;
            this.schedule = schedule;
            this.index = index;
            this.bootstrap = b.cluster.bootstrapServers();
            this.app = "chaos" + index + "-" + UUID.randomUUID().toString().substring(0, 6);
            this.input = app + "-in";
            this.output = app + "-out";
            this.deadLetter = b.deadLetters ? app + "-dlq" : null;
            this.protocol = b.protocols.get(variant(schedule) % b.protocols.size());
            this.logs = Files.createTempDirectory("eos-chaos-");
        }

        /** The workers' logs explain a violation; a clean schedule's are deleted, so runs leave nothing behind. */
        void keepLogsOnlyIfViolated(OutputCheck.Report r) {
            if (r.violations() > 0) {
                System.out.println("chaos schedule " + (index + 1) + ": workers' logs kept in " + logs);
                return;
            }
            try (java.util.stream.Stream<Path> paths = Files.walk(logs)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                System.out.println("chaos schedule " + (index + 1) + ": could not delete " + logs + ": " + e);
            }
        }

        OutputCheck.Report run() throws Exception {
            b.cluster.createTopics(b.partitions, input, output);
            if (deadLetter != null) {
                b.cluster.createTopics(1, deadLetter);
            }
            System.out.println("chaos schedule " + (index + 1) + ": group protocol " + protocol + ", logs in " + logs);
            try {
                write(schedule.initialRecords);
                for (int i = 0; i < b.workers; i++) {
                    workers.add(start(null));
                }
                for (int i = 0; i < schedule.events.size(); i++) {
                    FaultSchedule.Event e = schedule.events.get(i);
                    Thread.sleep(e.delayMs);
                    apply(e);
                    write(500);
                    if (b.fault != null && i == schedule.events.size() / 2) {
                        System.out.println("chaos schedule " + (index + 1) + ": " + b.faultName);
                        b.fault.run();
                        write(500);
                    }
                }
                awaitAllAccountedFor();
                for (ChildJvm w : workers) {
                    w.stop(30);
                }
                OutputCheck.Report r = b.outputs != null ? b.outputs.check(worker("check"))
                        : OutputCheck.check(bootstrap, input, output, deadLetter, b.outputId, b.poison);
                b.extraCheck.accept(worker("check"), r);
                return r;
            } finally {
                for (ChildJvm w : workers) {
                    if (w.isAlive()) {
                        w.kill();
                    }
                }
            }
        }

        private void apply(FaultSchedule.Event e) throws InterruptedException {
            int idx = Math.floorMod(e.target, workers.size());
            switch (e.kind) {
                case KILL_WORKER -> {
                    ChildJvm victim = workers.get(idx);
                    victim.kill();
                    workers.set(idx, start(victim.name()));
                }
                case PAUSE_WORKER -> {
                    ChildJvm zombie = workers.get(idx);
                    zombie.pause();
                    write(1_000);
                    Thread.sleep(e.arg);
                    zombie.resume();
                }
                case ZOMBIE_IN_TRANSACTION, ZOMBIE_PAST_TRANSACTION -> {
                    ChildJvm zombie = workers.get(idx);
                    zombie.pause();
                    write(1_000);
                    Thread.sleep(e.arg);
                    zombie.resume();
                    write(500);
                    Thread.sleep(3_000); // it finds out, rejoins and starts again with records in flight
                    handBack(zombie);
                }
                case KILL_BROKER -> {
                    KafkaNode node = b.cluster.node(e.target);
                    node.kill();
                    write(1_000);
                    Thread.sleep(e.arg);
                    node.restart();
                }
                case PAUSE_BROKER -> {
                    KafkaNode node = b.cluster.node(e.target);
                    node.pause();
                    Thread.sleep(e.arg);
                    node.resume();
                }
                case JOIN -> {
                    if (workers.size() < 5) {
                        workers.add(start(null));
                    }
                }
                case LEAVE -> {
                    if (workers.size() > 1) {
                        workers.remove(idx).stop(30);
                    }
                }
                case BURST -> write(e.arg);
                default -> throw new IllegalStateException(e.kind.toString());
            }
        }

        /**
         * Stops every worker but {@code zombie} cleanly, so that every partition comes back to it, then starts them
         * again under their instance ids.
         */
        private void handBack(ChildJvm zombie) throws InterruptedException {
            List<String> others = new ArrayList<>();
            for (ChildJvm w : workers) {
                if (w != zombie) {
                    w.stop(30);
                    others.add(w.name());
                }
            }
            workers.removeIf(w -> w != zombie);
            write(1_000);
            Thread.sleep(4_000); // the zombie owns everything again: its local stores restore what they lack
            for (String name : others) {
                workers.add(start(name));
            }
        }

        private Worker worker(String instance) {
            return new Worker(bootstrap, app, instance, input, output, deadLetter, protocol, variant(schedule));
        }

        /** Starts a worker; {@code instance} null: a new instance id. */
        private ChildJvm start(String instance) {
            String id = instance != null ? instance : "c" + nextWorker++;
            return ChildJvm.start(id, b.mainClass, b.arguments.apply(worker(id)), b.jvmOptions, logs);
        }

        private void write(int n) {
            InputWriter.write(bootstrap, input, produced, produced + n, b.keys);
            produced += n;
        }

        /** Waits until every input has a committed output or dead letter, as read_committed readers see them. */
        private void awaitAllAccountedFor() throws Exception {
            if (b.outputs != null) {
                long deadline = System.nanoTime() + b.await.toNanos();
                while (System.nanoTime() < deadline) {
                    try {
                        if (b.outputs.accountedFor(worker("check")) >= produced) {
                            return;
                        }
                    } catch (Exception notNow) {
                        System.out.println("chaos schedule " + (index + 1) + ": cannot read the results yet: " + notNow);
                    }
                    Thread.sleep(500);
                }
                return;
            }
            List<String> topics = deadLetter == null ? List.of(output) : List.of(output, deadLetter);
            Set<String> ids = new HashSet<>();
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                    new StringDeserializer())) {
                List<TopicPartition> tps = new ArrayList<>();
                for (String t : topics) {
                    c.partitionsFor(t).forEach(p -> tps.add(new TopicPartition(t, p.partition())));
                }
                c.assign(tps);
                c.seekToBeginning(tps);
                long deadline = System.nanoTime() + b.await.toNanos();
                while (ids.size() < produced && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                        ids.add(r.topic().equals(output) && r.value() != null ? b.outputId.apply(r.value()) : r.value());
                    }
                }
            }
        }
    }
}
