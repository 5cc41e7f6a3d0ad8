package dev.eos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the runtime in small classes: no main source file of eos-core over 400 lines, except the configuration
 * definition (a list of keys with their docs), and every internal class in a sub-package of
 * {@code dev.eos.internals} named for its job.
 */
class LayoutTest {

    private static final Path MAIN = Path.of("src", "main", "java");
    private static final int MAX_LINES = 400;

    @Test
    void shouldKeepEveryMainSourceFileWithinFourHundredLines() throws IOException {
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(MAIN)) {
            tooLong = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.endsWith(Path.of("dev", "eos", "EosConfig.java")))
                    .filter(p -> lines(p) > MAX_LINES)
                    .map(p -> MAIN.relativize(p) + " (" + lines(p) + " lines)")
                    .collect(Collectors.toList());
        }
        assertThat(tooLong).as("split these files by job").isEmpty();
    }

    @Test
    void shouldKeepInternalsInTheirPackages() throws IOException {
        Path internals = MAIN.resolve(Path.of("dev", "eos", "internals"));
        List<String> names;
        try (Stream<Path> dirs = Files.list(internals)) {
            names = dirs.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertThat(names).containsExactly("exec", "failure", "flow", "metrics", "runtime", "state", "txn");
    }

    private static long lines(Path p) {
        try (Stream<String> s = Files.lines(p)) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
