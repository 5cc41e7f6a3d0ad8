package dev.eos.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import dev.eos.testkit.chaos.ChaosTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A user's chaos test, as docs/testing.md shows it: the uppercase pipeline as worker processes on a 3-node
 * cluster, under one generated fault schedule (a small budget for CI; raise it with -Deos.chaos.schedules=N).
 * The input values are 9-digit ids, which upper-casing leaves as they are, so each output value is its input's id.
 */
@WithKafkaCluster(nodes = 3, shared = false)
class UppercaseChaosIT {

    @Test
    void shouldStayExactlyOnceUnderFaults(KafkaCluster kafka) throws Exception {
        List<Path> logsBefore = chaosLogs();
        ChaosTest.Report report = ChaosTest.builder(kafka)
                .mainClass(UppercaseWorker.class.getName())
                .schedules(1)
                .run();
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(chaosLogs()).as("a clean schedule leaves no logs behind").isEqualTo(logsBefore);
    }

    private static List<Path> chaosLogs() throws IOException {
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return tmp.filter(p -> p.getFileName().toString().startsWith("eos-chaos-")).sorted().toList();
        }
    }
}
