package dev.eos.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The nodes die with the JVM that started them, also when that JVM is killed with SIGKILL. */
class OrphanIT {

    /** Started in a child JVM by the test: starts a cluster, prints its node pids, then waits forever. */
    public static final class Starter {
        public static void main(String[] args) throws Exception {
            LocalKafkaCluster kafka = LocalKafkaCluster.builder().build().start();
            StringBuilder pids = new StringBuilder("PIDS");
            kafka.nodes().forEach(n -> pids.append(' ').append(n.pid()));
            System.out.println(pids);
            System.out.println("DATA " + kafka.dataDir());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void shouldStopNodesWhenTheStartingJvmIsKilled() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process starter = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Starter.class.getName()).redirectErrorStream(true).start();
        List<Long> pids = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(starter.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("PIDS ")) {
                    for (String p : line.substring(5).trim().split(" ")) {
                        pids.add(Long.parseLong(p));
                    }
                    break;
                }
            }
            assertThat(pids).as("the starter printed its node pids").isNotEmpty();
            for (long pid : pids) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isTrue();
            }
            starter.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean anyAlive = true;
            while (anyAlive && System.nanoTime() < deadline) {
                anyAlive = pids.stream().anyMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
                Thread.sleep(100);
            }
            assertThat(anyAlive).as("a node outlived the JVM that started it").isFalse();
        } finally {
            starter.destroyForcibly();
            pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        }
    }
}
