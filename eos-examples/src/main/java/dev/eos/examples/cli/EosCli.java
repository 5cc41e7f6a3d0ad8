package dev.eos.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code eos} command-line tool, run by the {@code ./eos} launcher at the repository root or with
 * {@code java -jar eos-examples/target/eos.jar}. {@code eos --help} lists the commands, {@code eos COMMAND --help}
 * the options of one. Exit codes: 0 done, 1 failed (or the check found a violation), 2 a wrong command line.
 */
@Command(name = "eos", mixinStandardHelpOptions = true, version = "eos 0.1.0-SNAPSHOT",
        description = "Exactly-once stream processing on Apache Kafka: demos, examples, audits and a local cluster.",
        subcommands = {DemoCommand.class, RunCommand.class, VerifyCommand.class, KafkaCommand.class,
            WorkerCommand.class, ConfigDocCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "The end-to-end benchmark: ./eos bench --help (from the repository)."})
public final class EosCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private EosCli() {
    }

    /** No command given: the usage, exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return CommandLine.ExitCode.USAGE;
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    /** Runs the tool; returns its exit code. */
    static int run(String... argv) {
        return new CommandLine(new EosCli()).execute(argv);
    }
}
