package dev.eos.examples.cli;

import dev.eos.testkit.LocalKafkaCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/** {@code eos kafka start|status|stop}: a local cluster that outlives the command, remembered under .eos/. */
final class KafkaCommand {

    private KafkaCommand() {
    }

    static Path stateFile() {
        return Path.of(System.getProperty("eos.home", "."), ".eos", "kafka", "cluster.properties");
    }

    static int run(List<String> args) {
        if (args.isEmpty()) {
            throw new Args.UsageException("kafka needs a subcommand: start, status or stop");
        }
        Args opts = new Args(args.subList(1, args.size()), List.of("nodes"));
        try {
            switch (args.get(0)) {
                case "start":
                    return start(opts.getInt("nodes", 1, 1, 3));
                case "status":
                    return status();
                case "stop":
                    if (LocalKafkaCluster.stop(stateFile())) {
                        System.out.println("Local Kafka cluster stopped and its data deleted.");
                    } else {
                        System.out.println("No local Kafka cluster is running (nothing in " + stateFile() + ").");
                    }
                    return 0;
                default:
                    throw new Args.UsageException("unknown kafka subcommand '" + args.get(0) + "'");
            }
        } catch (IOException e) {
            System.err.println("eos kafka: " + e);
            return 1;
        }
    }

    private static int start(int nodes) throws IOException {
        LocalKafkaCluster.Builder builder;
        try {
            builder = LocalKafkaCluster.builder().nodes(nodes);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--" + e.getMessage());
        }
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
