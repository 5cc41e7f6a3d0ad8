package dev.eos.testkit;

import dev.eos.testkit.internal.KafkaNodeMain;
import dev.eos.testkit.internal.Topics;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster of 1 or 3 KRaft nodes (each a combined broker and controller) running as child JVM
 * processes from the Kafka broker jars on the class path, on free ports of 127.0.0.1, with its data in a
 * temporary directory that {@link #close()} deletes.
 *
 * <p>Replication follows the size: replication factor 1 and min ISR 1 for one node, 3 and 2 for three, for
 * the internal topics and as the default of new topics.
 *
 * <p>No orphans: each node watches its standard input, which this JVM holds open, and exits when it closes,
 * so the nodes die with the JVM that started them, also when that JVM is killed. A {@linkplain
 * Builder#detached(boolean) detached} cluster outlives its starter and is stopped with {@link #stop(Path)}.
 *
 * <pre>{@code
 * try (LocalKafkaCluster kafka = LocalKafkaCluster.builder().nodes(3).build().start()) {
 *     kafka.createTopics(6, "input");
 *     kafka.node(2).kill();
 *     kafka.node(2).restart();
 * }
 * }</pre>
 */
public final class LocalKafkaCluster implements KafkaCluster {

    private static final Logger log = LoggerFactory.getLogger(LocalKafkaCluster.class);
    private static final String READY_TOPIC = "__eos_testkit_ready";

    private final int size;
    private final String heap;
    private final Map<String, String> extraConfig;
    private final boolean detached;
    private final Duration startTimeout;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final List<LocalNode> nodes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::destroyAll, "eos-testkit-shutdown");
    private volatile boolean started;
    private volatile boolean closed;

    private LocalKafkaCluster(Builder b) {
        this.size = b.nodes;
        this.heap = b.heap;
        this.extraConfig = Map.copyOf(b.config);
        this.detached = b.detached;
        this.startTimeout = b.startTimeout;
        try {
            if (b.dataDir != null) {
                Files.createDirectories(b.dataDir);
                this.dataDir = b.dataDir;
                this.ownsDataDir = false;
            } else {
                this.dataDir = Files.createTempDirectory("eos-kafka-");
                this.ownsDataDir = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory of the local Kafka cluster", e);
        }
    }

    /** A builder for a cluster; {@link Builder#build()} creates it, {@link #start()} starts it. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts every node and returns once the cluster has all its nodes registered, answers metadata requests
     * and has committed a transaction with consumer offsets (so the transaction state and offsets topics
     * exist). Retries on other ports if a port was taken in between.
     *
     * @return this cluster
     * @throws IllegalStateException if the cluster did not start within the start timeout; the message
     *     holds the reason and the end of the failing node's log
     */
    public synchronized LocalKafkaCluster start() {
        if (closed) {
            throw new IllegalStateException("This cluster was closed; build a new one");
        }
        if (started) {
            return this;
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                startOnce();
                started = true;
                return this;
            } catch (IllegalStateException e) {
                last = e;
                destroyAll();
                nodes.clear();
                if (!String.valueOf(e.getMessage()).contains("Address already in use")) {
                    break;
                }
                log.warn("A port of the local Kafka cluster was taken, retrying on other ports ({}/3)", attempt);
            }
        }
        deleteData();
        throw last;
    }

    private void startOnce() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(new int[] {freePort(), freePort()});
        }
        String voters = Stream.iterate(0, i -> i + 1).limit(size)
                .map(i -> (i + 1) + "@127.0.0.1:" + ports.get(i)[1])
                .collect(Collectors.joining(","));
        for (int i = 0; i < size; i++) {
            LocalNode node = new LocalNode(i + 1, ports.get(i)[0], ports.get(i)[1], voters);
            nodes.add(node);
        }
        if (!detached) {
            try {
                Runtime.getRuntime().addShutdownHook(shutdownHook);
            } catch (IllegalArgumentException alreadyAdded) {
                // a retry after a port clash
            }
        }
        for (LocalNode node : nodes) {
            node.launch();
        }
        awaitReady(deadline);
        log.info("Local Kafka cluster of {} node(s) ready at {} (data in {})", size, bootstrapServers(), dataDir);
    }

    private void awaitReady(long deadline) {
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            for (LocalNode node : nodes) {
                node.failIfDead();
            }
            if (!allListening()) { // asking before the ports are open only fills the log with connection warnings
                sleep(100);
                continue;
            }
            try (Admin admin = admin()) {
                int registered = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                if (registered == size) {
                    createTopics(1, READY_TOPIC);
                    runTransaction();
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                lastError = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while starting the local Kafka cluster", e);
            }
            sleep(250);
        }
        StringBuilder msg = new StringBuilder("The local Kafka cluster did not become ready within ")
                .append(startTimeout.toSeconds()).append(" s");
        if (lastError != null) {
            msg.append(": ").append(lastError);
        }
        for (LocalNode node : nodes) {
            msg.append("\n--- last lines of ").append(node.logFile).append(" ---\n").append(node.logTail(20));
        }
        throw new IllegalStateException(msg.toString());
    }

    private boolean allListening() {
        for (LocalNode node : nodes) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), node.port), 1000);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private void runTransaction() {
        Map<String, Object> props = new LinkedHashMap<>(clientProperties());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "eos-testkit-ready-" + UUID.randomUUID());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(READY_TOPIC, "ready".getBytes(StandardCharsets.UTF_8)));
            producer.sendOffsetsToTransaction(
                    Map.of(new TopicPartition(READY_TOPIC, 0), new OffsetAndMetadata(0)),
                    new ConsumerGroupMetadata("eos-testkit-ready"));
            producer.commitTransaction();
        }
    }

    @Override
    public String bootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.port).collect(Collectors.joining(","));
    }

    @Override
    public List<KafkaNode> nodes() {
        return Collections.unmodifiableList(new ArrayList<>(nodes));
    }

    @Override
    public short replicationFactor() {
        return (short) (size >= 3 ? 3 : 1);
    }

    private int minInsyncReplicas() {
        return size >= 3 ? 2 : 1;
    }

    /** The directory that holds the nodes' data and logs. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void createTopics(int partitions, String... topics) {
        Topics.create(bootstrapServers(), replicationFactor(), partitions, topics);
    }

    private Admin admin() {
        Map<String, Object> props = new LinkedHashMap<>(clientProperties());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(props);
    }

    @Override
    public synchronized boolean close(Duration timeout) {
        if (closed) {
            return true;
        }
        closed = true;
        boolean inTime = true;
        for (LocalNode node : nodes) {
            node.resumeQuietly();
            node.signal("TERM");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (LocalNode node : nodes) {
            Process p = node.process;
            if (p == null) {
                continue;
            }
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    inTime = false;
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                inTime = false;
            }
        }
        if (!detached) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or has run
            }
        }
        deleteData();
        return inTime;
    }

    private void destroyAll() {
        for (LocalNode node : nodes) {
            node.resumeQuietly();
            if (node.process != null) {
                node.process.destroyForcibly();
            }
        }
        for (LocalNode node : nodes) {
            if (node.process != null) {
                try {
                    node.process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void deleteData() {
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    /**
     * Writes what a detached cluster needs to be found and stopped again: bootstrap servers, node process ids
     * and data directory, as a properties file.
     */
    public void writeState(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers());
        p.setProperty("data.dir", dataDir.toString());
        p.setProperty("nodes", String.valueOf(size));
        p.setProperty("pids", nodes.stream().map(n -> String.valueOf(n.pid())).collect(Collectors.joining(",")));
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "eos local Kafka cluster");
        }
    }

    /**
     * Stops a detached cluster described by a file of {@link #writeState(Path)}: terminates its node
     * processes (killing those still running after 30 s), deletes its data directory and the file.
     *
     * @return whether there was a cluster to stop
     */
    public static boolean stop(Path stateFile) throws IOException {
        if (!Files.exists(stateFile)) {
            return false;
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(stateFile)) {
            p.load(in);
        }
        List<ProcessHandle> handles = new ArrayList<>();
        for (String pid : p.getProperty("pids", "").split(",")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(handles::add);
            }
        }
        handles.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle h : handles) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                sleep(100);
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        String data = p.getProperty("data.dir");
        if (data != null) {
            deleteRecursively(Path.of(data));
        }
        Files.deleteIfExists(stateFile);
        return true;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "LocalKafkaCluster[" + size + " node(s) at " + bootstrapServers() + "]";
    }

    private final class LocalNode implements KafkaNode {
        final int id;
        final int port;
        final int controllerPort;
        final Path dir;
        final Path configFile;
        final Path logFile;
        volatile Process process;

        LocalNode(int id, int port, int controllerPort, String voters) {
            this.id = id;
            this.port = port;
            this.controllerPort = controllerPort;
            this.dir = dataDir.resolve("node-" + id);
            this.configFile = dir.resolve("server.properties");
            this.logFile = dir.resolve("server.log");
            writeConfig(voters);
        }

        private void writeConfig(String voters) {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("process.roles", "broker,controller");
            c.put("node.id", String.valueOf(id));
            c.put("controller.quorum.voters", voters);
            c.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            c.put("controller.listener.names", "CONTROLLER");
            c.put("inter.broker.listener.name", "PLAINTEXT");
            c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            c.put("log.dirs", dir.resolve("data").toString());
            c.put("num.partitions", "1");
            c.put("default.replication.factor", String.valueOf(replicationFactor()));
            c.put("min.insync.replicas", String.valueOf(minInsyncReplicas()));
            c.put("offsets.topic.replication.factor", String.valueOf(replicationFactor()));
            c.put("offsets.topic.num.partitions", "10");
            c.put("transaction.state.log.replication.factor", String.valueOf(replicationFactor()));
            c.put("transaction.state.log.min.isr", String.valueOf(minInsyncReplicas()));
            c.put("transaction.state.log.num.partitions", "10");
            c.put("share.coordinator.state.topic.replication.factor", String.valueOf(replicationFactor()));
            c.put("share.coordinator.state.topic.min.isr", String.valueOf(minInsyncReplicas()));
            c.put("group.initial.rebalance.delay.ms", "0");
            c.put("group.min.session.timeout.ms", "1000");
            // the consumer group protocol's session is the broker's (45 s by default): 6 s, as the classic
            // members of the tests ask for, so that a paused member becomes a zombie under both protocols
            c.put("group.consumer.min.session.timeout.ms", "6000");
            c.put("group.consumer.session.timeout.ms", "6000");
            c.put("group.consumer.min.heartbeat.interval.ms", "1000");
            c.put("group.consumer.heartbeat.interval.ms", "1000");
            c.put("auto.create.topics.enable", "false");
            c.put("num.network.threads", "2");
            c.put("num.io.threads", "4");
            c.put("background.threads", "4");
            c.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
            c.put("unclean.leader.election.enable", "false");
            c.putAll(extraConfig);
            StringBuilder sb = new StringBuilder("# written by eos-testkit\n");
            c.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            try {
                Files.createDirectories(dir);
                Files.writeString(configFile, sb.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + configFile, e);
            }
        }

        void launch() {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>();
            if (detached && new File("/usr/bin/setsid").canExecute()) {
                cmd.add("/usr/bin/setsid");
            }
            cmd.add(java);
            cmd.add("-Xms128m");
            cmd.add("-Xmx" + heap);
            cmd.add("-XX:+UseG1GC");
            cmd.add("-XX:MaxGCPauseMillis=20");
            cmd.add("-Djava.awt.headless=true");
            cmd.add("-Dkafka.logs.dir=" + dir);
            cmd.add("-Dlog4j2.configurationFile=" + writeLog4jConfig());
            cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(KafkaNodeMain.class.getName());
            cmd.add(configFile.toString());
            cmd.add(clusterId);
            cmd.add(detached ? "detached" : "watch-stdin");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            if (detached) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start Kafka node " + id + ": " + e, e);
            }
            log.debug("Started Kafka node {} (pid {}) on 127.0.0.1:{}", id, process.pid(), port);
        }

        private String writeLog4jConfig() {
            Path f = dir.resolve("log4j2.properties");
            String text = "status = warn\n"
                    + "appender.out.type = Console\n"
                    + "appender.out.name = OUT\n"
                    + "appender.out.layout.type = PatternLayout\n"
                    + "appender.out.layout.pattern = [%d] %p %m (%c)%n\n"
                    + "rootLogger.level = info\n"
                    + "rootLogger.appenderRef.out.ref = OUT\n"
                    + "logger.kafka.name = kafka\nlogger.kafka.level = warn\n"
                    + "logger.ka.name = org.apache.kafka\nlogger.ka.level = warn\n"
                    + "logger.started.name = kafka.server.KafkaRaftServer\nlogger.started.level = info\n";
            try {
                Files.writeString(f, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return f.toString();
        }

        void failIfDead() {
            Process p = process;
            if (p != null && !p.isAlive()) {
                throw new IllegalStateException("Kafka node " + id + " exited with code " + p.exitValue()
                        + " during startup\n--- last lines of " + logFile + " ---\n" + logTail(30));
            }
        }

        String logTail(int lines) {
            try {
                List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public long pid() {
            Process p = process;
            return p == null ? -1 : p.pid();
        }

        @Override
        public boolean isAlive() {
            Process p = process;
            return p != null && p.isAlive();
        }

        @Override
        public void kill() {
            Process p = process;
            if (p == null || !p.isAlive()) {
                return;
            }
            resumeQuietly();
            p.destroyForcibly();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Kafka node " + id + " did not die after SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while killing node " + id, e);
            }
            log.info("Killed Kafka node {} (SIGKILL)", id);
        }

        @Override
        public void pause() {
            signal("STOP");
            log.info("Paused Kafka node {} (SIGSTOP)", id);
        }

        @Override
        public void resume() {
            signal("CONT");
            log.info("Resumed Kafka node {} (SIGCONT)", id);
        }

        void resumeQuietly() {
            if (isAlive()) {
                signal("CONT");
            }
        }

        void signal(String sig) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                return;
            }
            try {
                Process k = new ProcessBuilder("kill", "-" + sig, String.valueOf(p.pid())).inheritIO().start();
                k.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot send SIG" + sig + " to node " + id, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public synchronized void restart() {
            kill();
            launch();
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (System.nanoTime() < deadline) {
                failIfDead();
                try (Admin admin = admin()) {
                    Collection<org.apache.kafka.common.Node> live =
                            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    if (live.stream().anyMatch(n -> n.id() == id)) {
                        log.info("Restarted Kafka node {}", id);
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                    // not up yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while restarting node " + id, e);
                }
                sleep(250);
            }
            throw new IllegalStateException("Kafka node " + id + " did not rejoin within "
                    + startTimeout.toSeconds() + " s\n" + logTail(20));
        }

        @Override
        public String toString() {
            return "node " + id + " (127.0.0.1:" + port + ", pid " + pid() + ")";
        }
    }

    /** Builds a {@link LocalKafkaCluster}. */
    public static final class Builder {
        private int nodes = 1;
        private String heap = "512m";
        private final Map<String, String> config = new LinkedHashMap<>();
        private boolean detached;
        private Duration startTimeout = Duration.ofSeconds(120);
        private Path dataDir;

        private Builder() {
        }

        /** Number of nodes: 1 (the default) or 3. */
        public Builder nodes(int nodes) {
            if (nodes != 1 && nodes != 3) {
                throw new IllegalArgumentException("nodes must be 1 or 3, was " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** Maximum heap of each node's JVM, in the JVM's syntax ({@code 512m}, the default; {@code 1g}). */
        public Builder heap(String heap) {
            if (heap == null || !heap.matches("[0-9]+[kKmMgG]?")) {
                throw new IllegalArgumentException("heap must look like 512m or 1g, was " + heap);
            }
            this.heap = heap;
            return this;
        }

        /** Sets a broker configuration property on every node, overriding the testkit's default. */
        public Builder brokerConfig(String key, String value) {
            config.put(key, value);
            return this;
        }

        /**
         * Whether the nodes outlive the JVM that starts them (default false). A detached cluster is not
         * deleted when this JVM exits; stop it with {@link #close()} or {@link LocalKafkaCluster#stop(Path)}.
         */
        public Builder detached(boolean detached) {
            this.detached = detached;
            return this;
        }

        /** How long {@link LocalKafkaCluster#start()} waits for the cluster to become ready (default 120 s). */
        public Builder startTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, was " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        /** Directory for the nodes' data and logs (default: a new temporary directory deleted on close). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Creates the cluster, not yet started. */
        public LocalKafkaCluster build() {
            return new LocalKafkaCluster(this);
        }
    }
}
