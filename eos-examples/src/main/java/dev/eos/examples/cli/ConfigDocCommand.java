package dev.eos.examples.cli;

import dev.eos.EosConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code eos config-doc}: the configuration reference as Markdown (docs/configuration.md is made with it). */
@Command(name = "config-doc", mixinStandardHelpOptions = true,
        description = "Prints the configuration reference as Markdown.")
final class ConfigDocCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.print(EosConfig.toMarkdown());
        return 0;
    }
}
