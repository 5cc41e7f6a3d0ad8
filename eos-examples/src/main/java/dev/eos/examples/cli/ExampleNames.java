package dev.eos.examples.cli;

import dev.eos.examples.Example;
import java.util.Iterator;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The names of the examples, for help texts and completion, and their lookup with a usage error for a bad name. */
final class ExampleNames implements Iterable<String> {

    @Override
    public Iterator<String> iterator() {
        TreeSet<String> names = new TreeSet<>(Example.all().keySet());
        names.add(dev.eos.examples.LedgerPostgres.NAME);
        return names.iterator();
    }

    /** The example called {@code name}. @throws ParameterException naming the known ones */
    static Example resolve(CommandSpec spec, String name) {
        Example e = Example.all().get(name);
        if (e == null) {
            throw new ParameterException(spec.commandLine(), "unknown example '" + name + "'; examples: "
                    + new TreeSet<>(Example.all().keySet()));
        }
        return e;
    }
}
