package dev.eos.examples.cli;

import dev.eos.EosConfig;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code eos} command-line tool, run by the {@code ./eos} launcher at the repository root.
 *
 * <pre>
 * eos demo [--records N] [--bootstrap HOST:PORT]   exactly-once demo with a worker killed part way
 * eos kafka start [--nodes 1|3]                    start a local Kafka cluster in the background
 * eos kafka status                                 show the local cluster
 * eos kafka stop                                   stop it and delete its data
 * eos verify --bootstrap B --input T --output U [--dead-letter D]   audit a pipeline's committed output
 * eos config-doc                                   print the configuration reference (Markdown)
 * eos --help
 * </pre>
 */
public final class EosCli {

    static final String USAGE = String.join("\n",
            "usage: eos <command> [options]",
            "",
            "commands:",
            "  demo [--records N] [--partitions P] [--bootstrap HOST:PORT] [--metrics-port PORT]",
            "        Runs the example exactly-once pipeline in 3 worker processes over N input records (default",
            "        100000), kills one worker with SIGKILL part way, starts a replacement, then checks the",
            "        committed output against the input. Starts a local 1-node Kafka cluster unless --bootstrap",
            "        is given. Workers serve Prometheus metrics on PORT, PORT+1, ... if --metrics-port is given.",
            "        Last line: exactly-once: OK|VIOLATED input=N output=M duplicates=D lost=L",
            "  demo --example word-count|bank-transfers [--records N] [--partitions P] [--bootstrap HOST:PORT]",
            "        Runs a stateful example the same way (default 50000 input records): word-count keeps counts",
            "        per word, bank-transfers keeps balances and moves money in two keyed steps; the replaced",
            "        worker rebuilds its stores from the changelog. The check folds the input independently.",
            "  kafka start [--nodes 1|3]   start a local Kafka cluster in the background, print its bootstrap servers",
            "  kafka status                show the local cluster started by 'kafka start'",
            "  kafka stop                  stop that cluster and delete its data",
            "  worker --bootstrap B --app A --input T --output T --instance I [--commit-interval-ms MS]",
            "         [--group-protocol classic|consumer] [--concurrency N] [--ordering KEY|PARTITION|UNORDERED]",
            "         [--max-sleep-ms MS]  (each record sleeps 0..MS ms first, like a remote call)",
            "         [--poison-every N] [--dead-letter-topic T]  (ids = N-1 mod N fail; failed records go to T)",
            "         [--transaction-header]  (tag outputs with the transaction that wrote them, for audits)",
            "         [--provenance]  (stamp outputs with their source record, for eos verify)",
            "         [--metrics-port PORT]  (serve Prometheus metrics at http://localhost:PORT/metrics)",
            "         [--count-per-key] [--state-dir DIR]  (also count records per key in a store; the count goes",
            "          in the output header 'count')",
            "         [--example word-count|bank-transfers]  (run that example's pipelines instead;",
            "          --input and --output are then ignored, --app names the run)",
            "        run one process of the example pipeline until terminated (used by demo and tests)",
            "  verify --bootstrap B --input T --output U [--dead-letter D]",
            "        Audits the committed output of a pipeline run with output.provenance.headers=true: inputs",
            "        with no output, inputs with outputs in more than one transaction, outputs of unknown source,",
            "        with up to 10 examples each. Exit code 0 when clean, 1 when not, 2 on bad arguments.",
            "  config-doc                  print the configuration reference as Markdown",
            "  --help                      this text");

    private EosCli() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        List<String> args = Arrays.asList(argv);
        if (args.isEmpty() || args.contains("--help") || args.contains("-h") || args.get(0).equals("help")) {
            System.out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        try {
            switch (args.get(0)) {
                case "demo":
                    return DemoCommand.run(new Args(args.subList(1, args.size()),
                            List.of("records", "partitions", "bootstrap", "workers", "metrics-port", "example")));
                case "kafka":
                    return KafkaCommand.run(args.subList(1, args.size()));
                case "worker":
                    return WorkerCommand.run(new Args(args.subList(1, args.size()),
                            List.of("bootstrap", "app", "input", "output", "instance", "commit-interval-ms",
                                    "group-protocol", "concurrency", "ordering", "max-sleep-ms", "poison-every",
                                    "dead-letter-topic", "transaction-header", "provenance", "metrics-port", "example",
                                    "state-dir", "count-per-key")));
                case "verify":
                    return VerifyCommand.run(new Args(args.subList(1, args.size()),
                            List.of("bootstrap", "input", "output", "dead-letter")));
                case "config-doc":
                    System.out.print(EosConfig.toMarkdown());
                    return 0;
                default:
                    throw new Args.UsageException("unknown command '" + args.get(0) + "'");
            }
        } catch (Args.UsageException e) {
            System.err.println("eos: " + e.getMessage());
            System.err.println();
            System.err.println(USAGE);
            return 2;
        }
    }
}
