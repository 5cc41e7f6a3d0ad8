package dev.eos.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --bootstrap} option of the commands that talk to a cluster: the servers given, or else the local
 * cluster that {@code eos kafka start} runs.
 */
final class Bootstrap {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "the cluster (default: the one ./eos kafka start runs)")
    String servers;

    /** The servers given, or the running local cluster's; a usage error if neither. */
    String resolve(CommandSpec spec) {
        if (servers != null) {
            return servers;
        }
        String local = running();
        if (local == null) {
            throw new ParameterException(spec.commandLine(), "no --bootstrap given and no local cluster is "
                    + "running: start one with ./eos kafka start");
        }
        return local;
    }

    /** The bootstrap servers of the local cluster {@code eos kafka start} runs, or null if none is alive. */
    static String running() {
        Path state = KafkaCommand.stateFile();
        if (!Files.exists(state)) {
            return null;
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(state)) {
            p.load(in);
        } catch (IOException e) {
            return null;
        }
        for (String pid : p.getProperty("pids", "").split(",")) {
            if (!pid.isBlank() && ProcessHandle.of(Long.parseLong(pid.trim())).map(ProcessHandle::isAlive)
                    .orElse(false)) {
                return p.getProperty("bootstrap.servers");
            }
        }
        return null;
    }
}
