package dev.eos.examples.cli;

import dev.eos.examples.audit.OutputAudit;

/**
 * {@code eos verify}: audits a live pipeline's committed output against its input (see {@link OutputAudit}).
 * Exit code 0 when clean, 1 when not, 2 on bad arguments or an unknown topic.
 */
final class VerifyCommand {

    private VerifyCommand() {
    }

    static int run(Args args) {
        String bootstrap = args.require("bootstrap");
        String input = args.require("input");
        String output = args.require("output");
        String deadLetter = args.get("dead-letter", null);
        OutputAudit.Report report;
        try {
            report = OutputAudit.run(bootstrap, input, output, deadLetter, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("eos verify: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            System.err.println("eos verify: " + e.getMessage());
            return 2;
        }
        report.lines().forEach(System.out::println);
        return report.clean() ? 0 : 1;
    }
}
