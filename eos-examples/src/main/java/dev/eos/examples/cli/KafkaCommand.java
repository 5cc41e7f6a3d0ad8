package dev.eos.examples.cli;

import dev.eos.testkit.LocalKafkaCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code eos kafka start|status|stop}: a local cluster that outlives the command, remembered under .eos/; and
 * {@code topics}, {@code produce}, {@code consume} to work with it (or any cluster) with nothing else installed.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "A local Kafka cluster in the background for your own experiments, and its topics.",
        subcommands = {KafkaCommand.Start.class, KafkaCommand.Status.class, KafkaCommand.Stop.class,
            TopicsCommand.class, ProduceCommand.class, ConsumeCommand.class})
final class KafkaCommand implements Callable<Integer> {

    static Path stateFile() {
        return Path.of(System.getProperty("eos.home", "."), ".eos", "kafka", "cluster.properties");
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts a local Kafka cluster in the background and prints its bootstrap servers.")
    static final class Start implements Callable<Integer> {
        @Option(names = "--nodes", paramLabel = "1|3", defaultValue = "1", description = "nodes (1 or 3)")
        int nodes;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (nodes != 1 && nodes != 3) {
                throw new ParameterException(spec.commandLine(), "--nodes must be 1 or 3, was " + nodes);
            }
            return start(nodes);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows the local cluster.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            return status();
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops the local cluster and deletes its data.")
    static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            if (LocalKafkaCluster.stop(stateFile())) {
                System.out.println("Local Kafka cluster stopped and its data deleted.");
            } else {
                System.out.println("No local Kafka cluster is running (nothing in " + stateFile() + ").");
            }
            return 0;
        }
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "kafka needs a subcommand: start, status, stop, topics, "
                + "produce or consume");
    }

    private static int start(int nodes) throws IOException {
        LocalKafkaCluster.Builder builder = LocalKafkaCluster.builder().nodes(nodes);
        Path state = stateFile();
        if (Files.exists(state)) {
            Properties p = load(state);
            if (anyAlive(p)) {
                System.out.println("A local Kafka cluster is already running: " + p.getProperty("bootstrap.servers"));
                System.out.println("(stop it with ./eos kafka stop)");
                return 0;
            }
            LocalKafkaCluster.stop(state);
        }
        System.out.println("Starting a local Kafka cluster of " + nodes + " node(s)...");
        LocalKafkaCluster cluster = builder.detached(true)
                .dataDir(state.getParent().resolve("data").toAbsolutePath()).build();
        cluster.start();
        cluster.writeState(state);
        System.out.println("bootstrap servers: " + cluster.bootstrapServers());
        System.out.println("data and logs:     " + cluster.dataDir());
        System.out.println("topics:            ./eos kafka topics create NAME... --partitions N");
        System.out.println("stop it with:      ./eos kafka stop");
        return 0;
    }

    private static int status() throws IOException {
        Path state = stateFile();
        if (!Files.exists(state)) {
            System.out.println("No local Kafka cluster is running.");
            return 1;
        }
        Properties p = load(state);
        String bootstrap = p.getProperty("bootstrap.servers");
        System.out.println("bootstrap servers: " + bootstrap);
        for (String pid : p.getProperty("pids", "").split(",")) {
            boolean alive = !pid.isBlank() && ProcessHandle.of(Long.parseLong(pid.trim()))
                    .map(ProcessHandle::isAlive).orElse(false);
            System.out.println("node process " + pid + ": " + (alive ? "running" : "not running"));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 5000,
                "default.api.timeout.ms", 10000))) {
            int n = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
            System.out.println("brokers answering: " + n + " of " + p.getProperty("nodes"));
            return 0;
        } catch (Exception e) {
            System.out.println("brokers answering: none (" + e.getClass().getSimpleName() + ")");
            return 1;
        }
    }

    private static Properties load(Path state) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(state)) {
            p.load(in);
        }
        return p;
    }

    private static boolean anyAlive(Properties p) {
        for (String pid : p.getProperty("pids", "").split(",")) {
            if (!pid.isBlank() && ProcessHandle.of(Long.parseLong(pid.trim())).map(ProcessHandle::isAlive).orElse(false)) {
                return true;
            }
        }
        return false;
    }
}
