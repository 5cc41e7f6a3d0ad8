package dev.eos.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line as a user meets it: help texts, errors that name the bad option, exit codes. */
class EosCliTest {

    /** Runs the tool; returns the exit code and everything it printed. */
    private static Object[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int code = EosCli.run(args);
            return new Object[] {code, buffer.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void shouldListTheCommandsAndTheExamples() {
        Object[] help = run("--help");
        assertThat(help[0]).isEqualTo(0);
        assertThat((String) help[1]).contains("demo", "run", "verify", "kafka", "worker", "config-doc");
        Object[] runHelp = run("run", "--help");
        assertThat(runHelp[0]).isEqualTo(0);
        assertThat((String) runHelp[1]).contains("word-count", "bank-transfers", "--bootstrap");
        Object[] none = run();
        assertThat(none[0]).isEqualTo(2);
        assertThat((String) none[1]).contains("Usage: eos");
    }

    @Test
    void shouldExitTwoNamingTheBadOption() {
        Object[] unknown = run("demo", "--recrods", "5");
        assertThat(unknown[0]).isEqualTo(2);
        assertThat((String) unknown[1]).contains("'--recrods'", "Possible solutions: --records");
        Object[] range = run("demo", "--records", "0");
        assertThat(range[0]).isEqualTo(2);
        assertThat((String) range[1]).contains("--records must be between 1 and 100000000, was 0");
        Object[] example = run("run", "no-such-example");
        assertThat(example[0]).isEqualTo(2);
        assertThat((String) example[1]).contains("unknown example 'no-such-example'", "[backlog, bank-transfers, enrich, word-count]");
        Object[] missing = run("worker", "--bootstrap", "localhost:1", "--app", "a");
        assertThat(missing[0]).isEqualTo(2);
        assertThat((String) missing[1]).contains("Missing required option: '--instance=ID'");
        Object[] notANumber = run("kafka", "start", "--nodes", "two");
        assertThat(notANumber[0]).isEqualTo(2);
        assertThat((String) notANumber[1]).contains("--nodes");
    }

    @Test
    void shouldPrintTheConfigurationReference() {
        Object[] doc = run("config-doc");
        assertThat(doc[0]).isEqualTo(0);
        assertThat((String) doc[1]).startsWith("# Configuration reference").contains("state.dir");
    }
}
