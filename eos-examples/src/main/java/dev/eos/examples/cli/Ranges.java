package dev.eos.examples.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Range checks of numeric options, failing as usage errors (exit code 2) that name the option. */
final class Ranges {

    private Ranges() {
    }

    /** Fails unless {@code value} (null: not given) is within [min, max]. */
    static void check(CommandSpec spec, String option, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new ParameterException(spec.commandLine(), option + " must be between " + min + " and " + max
                    + ", was " + value);
        }
    }
}
