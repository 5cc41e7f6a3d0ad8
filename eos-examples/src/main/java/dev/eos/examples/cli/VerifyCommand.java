package dev.eos.examples.cli;

import dev.eos.examples.audit.OutputAudit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eos verify}: audits a live pipeline's committed output against its input (see {@link OutputAudit}).
 * Exit code 0 when clean, 1 when not, 2 on bad arguments or an unknown topic, 3 when the output cannot be
 * audited (no provenance headers).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Audits the committed output of a pipeline run with output.provenance.headers=true: inputs "
                + "with no output, inputs with outputs in more than one transaction, outputs of unknown source, with "
                + "up to 10 examples each.",
            "Exit code 0 when clean, 1 when not, 2 on bad arguments, 3 when the outputs carry no provenance "
                + "headers (nothing can be audited)."})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "the cluster")
    String bootstrap;

    @Option(names = "--input", required = true, paramLabel = "TOPIC", description = "the pipeline's input topic")
    String input;

    @Option(names = "--output", required = true, paramLabel = "TOPIC",
            description = "one of its output topics, written with output.provenance.headers=true")
    String output;

    @Option(names = "--dead-letter", paramLabel = "TOPIC",
            description = "its dead-letter topic: inputs found there count as handled, not missing")
    String deadLetter;

    @Override
    public Integer call() {
        OutputAudit.Report report;
        try {
            report = OutputAudit.run(bootstrap, input, output, deadLetter, System.err);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("eos verify: " + e.getMessage());
            return 2;
        }
        report.lines().forEach(System.out::println);
        if (!report.auditable()) {
            return 3;
        }
        return report.clean() ? 0 : 1;
    }
}
