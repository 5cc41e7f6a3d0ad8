package dev.eos.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command-line tool as a new user runs it, in child JVMs against a real broker: the topic commands, and
 * {@code eos run} (an example in its own process, and the Spring Boot sample in a JVM of its own) reporting its
 * progress, stopping cleanly on SIGTERM with a summary, and printing the {@code eos verify} commands that then find
 * its output clean.
 */
@WithKafkaCluster
class CliIT {

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Deos.home=" + Path.of("..").toAbsolutePath().normalize(),
                "-cp", System.getProperty("java.class.path"), "dev.eos.examples.cli.EosCli"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs the tool to its end with {@code stdin} as input; returns its exit code and output. */
    private static Object[] cli(String stdin, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Object[] {p.exitValue(), out};
    }

    @Test
    void shouldCreateTopicsAndWriteAndReadRecords(KafkaCluster kafka) throws Exception {
        String topic = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        String bootstrap = kafka.bootstrapServers();
        Object[] created = cli("", "kafka", "topics", "create", topic, "--partitions", "2", "--bootstrap", bootstrap);
        assertThat(created[0]).as((String) created[1]).isEqualTo(0);
        Object[] listed = cli("", "kafka", "topics", "list", "--bootstrap", bootstrap);
        assertThat((String) listed[1]).contains(topic + "  partitions=2");
        Object[] produced = cli("k1:hello\nno key\n", "kafka", "produce", topic, "--bootstrap", bootstrap);
        assertThat((String) produced[1]).contains("wrote 2 record(s)");
        Object[] consumed = cli("", "kafka", "consume", topic, "--max", "2", "--bootstrap", bootstrap);
        assertThat(consumed[0]).isEqualTo(0);
        assertThat(((String) consumed[1]).lines()).contains("k1:hello", "no key");
    }

    /**
     * Starts {@code eos run} with these arguments, reads its output until the progress line says every expected
     * record of {@code <name>-counts} is committed, runs {@code whileRunning}, sends SIGTERM (as Ctrl-C) and reads
     * the rest; returns every line.
     */
    private static List<String> runUntilCaughtUpThenStop(String name, Runnable whileRunning, String... args)
            throws Exception {
        Process run = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        Pattern progress = Pattern.compile(name + "-counts: (\\d+) committed of (\\d+) expected");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(),
                StandardCharsets.UTF_8))) {
            boolean caughtUp = false;
            String line;
            while (!caughtUp && (line = out.readLine()) != null) {
                lines.add(line);
                Matcher m = progress.matcher(line);
                caughtUp = m.find() && m.group(1).equals(m.group(2));
            }
            assertThat(caughtUp).as(String.join("\n", lines)).isTrue();
            whileRunning.run();
            run.toHandle().destroy(); // SIGTERM, as Ctrl-C (and the output stays readable): the hook reports
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        } finally {
            run.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        }
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return lines;
    }

    /** Runs each {@code ./eos verify} command printed in {@code lines}; asserts there are {@code n} and all CLEAN. */
    private static void assertVerifyCommandsFindTheOutputClean(List<String> lines, int n) throws Exception {
        List<String> verifies = lines.stream().map(String::trim).filter(l -> l.contains("./eos verify "))
                .map(l -> l.substring(l.indexOf("./eos verify ") + "./eos verify ".length())).distinct().toList();
        assertThat(verifies).hasSize(n);
        for (String v : verifies) {
            List<String> args = new ArrayList<>(List.of("verify"));
            args.addAll(List.of(v.split(" ")));
            Object[] audit = cli("", args.toArray(new String[0]));
            assertThat(audit[0]).as((String) audit[1]).isEqualTo(0);
            assertThat((String) audit[1]).contains("audit: CLEAN");
        }
    }

    @Test
    void shouldReportProgressStopOnSigtermAndPrintVerifyCommandsThatFindTheOutputClean(KafkaCluster kafka)
            throws Exception {
        String name = "cli-run-" + UUID.randomUUID().toString().substring(0, 8);
        Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "eos-run-state-" + name + "-run-1");
        List<String> lines = runUntilCaughtUpThenStop(name,
                () -> assertThat(Files.isDirectory(stateDir)).isTrue(),
                "run", "word-count", "--bootstrap", kafka.bootstrapServers(), "--name", name, "--records", "300",
                "--partitions", "2");
        String all = String.join("\n", lines);
        assertThat(all).contains("stopping: committing what was processed").contains("stopped; ")
                .contains(name + "-split STOPPED").contains(name + "-count STOPPED");
        assertThat(Files.exists(stateDir)).as("the state directory it chose is deleted").isFalse();
        assertVerifyCommandsFindTheOutputClean(lines, 2); // word-count: lines -> words, words -> counts
    }

    @Test
    void shouldRunTheSpringBootSampleWithItsHealthAndStopItGracefullyOnSigterm(KafkaCluster kafka) throws Exception {
        String name = "cli-spring-" + UUID.randomUUID().toString().substring(0, 8);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String[] health = new String[1];
        List<String> lines = runUntilCaughtUpThenStop(name, () -> health[0] = get(port, "/actuator/health/eos"),
                "run", "spring-word-count", "--bootstrap", kafka.bootstrapServers(), "--name", name, "--records",
                "300", "--partitions", "2", "--port", String.valueOf(port));
        assertThat(health[0]).contains("\"split\":{").contains("\"count\":{").contains("\"status\":\"UP\"");
        String all = String.join("\n", lines);
        assertThat(all).contains("stopping: SIGTERM to the application").contains("stopped; ")
                .contains("[app=" + name + "-count] state STOPPING -> STOPPED");
        assertVerifyCommandsFindTheOutputClean(lines, 2);
    }

    private static String get(int port, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
