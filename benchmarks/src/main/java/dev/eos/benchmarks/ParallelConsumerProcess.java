package dev.eos.benchmarks;

import dev.eos.testkit.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts the {@code parallel-consumer-tx} contender in a JVM of its own (Parallel Consumer needs kafka-clients
 * 3.x, this harness runs 4.x): {@code java -cp} the classes and class path of the module
 * {@code benchmarks/parallel-consumer}, which {@code ./eos bench} builds, as a {@link ChildJvm}. Closing the
 * handle sends SIGTERM (the contender closes itself cleanly) and waits for the process.
 */
final class ParallelConsumerProcess {

    private static final String MAIN = "dev.eos.benchmarks.pc.ParallelConsumerContender";

    private ParallelConsumerProcess() {
    }

    static AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario,
            int concurrency) throws IOException {
        Path module = Path.of(System.getProperty("eos.home", "."), "benchmarks", "parallel-consumer", "target");
        Path classpath = module.resolve("classpath.txt");
        if (!Files.exists(classpath)) {
            throw new IllegalStateException("parallel-consumer-tx needs " + classpath + ": build it with ./mvnw "
                    + "package -pl benchmarks/parallel-consumer -am (./eos bench does)");
        }
        String cp = module.resolve("classes") + File.pathSeparator + Files.readString(classpath).trim();
        ChildJvm jvm = ChildJvm.start("bench-" + app, cp, MAIN, List.of(bootstrap, app, input, output,
                scenario.label(), Integer.toString(concurrency)), List.of("-Xmx1g"),
                Path.of(System.getProperty("java.io.tmpdir")));
        return () -> {
            if (!jvm.stop(60)) {
                EndToEndBenchmark.say("parallel-consumer-tx did not stop within 60 s; killed (log: " + jvm.logFile()
                        + ")");
            }
        };
    }
}
