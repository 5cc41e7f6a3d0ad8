package dev.eos.examples.cli;

import dev.eos.examples.WordCount;
import dev.eos.testkit.KafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code eos run spring-word-count}: the Spring Boot sample application (module eos-spring-boot-sample, word count
 * as beans of the starter) in a JVM of its own, against the cluster of the run. Its jar is built through the Maven
 * wrapper when it is missing or older than the sources; its topics are created and its input written as for the
 * word-count example, and a progress line every 5 s counts the committed counts. Ctrl-C stops the application the
 * way a platform does, with SIGTERM: Spring Boot's graceful shutdown commits what the pipelines processed.
 */
final class SpringSampleRun {

    static final String NAME = "spring-word-count";
    static final String DESCRIPTION = "word count as a Spring Boot application with the starter (health, metrics)";
    private static final String MODULE = "eos-spring-boot-sample";
    private static final String JAR = MODULE + "/target/eos-spring-boot-sample-1.0-SNAPSHOT.jar";

    private final DemoRun cluster;
    private final String run;
    private final String instance;
    private final Path stateDir;
    private final int port;

    SpringSampleRun(DemoRun cluster, String run, String instance, Path stateDir, int port) {
        this.cluster = cluster;
        this.run = run;
        this.instance = instance;
        this.stateDir = stateDir;
        this.port = port;
    }

    /**
     * Runs the application until Ctrl-C or until it exits; returns the exit code.
     *
     * @param cleanUp what Ctrl-C's shutdown hook does last (the JVM ends after it)
     */
    int run(int records, int partitions, Runnable cleanUp) throws InterruptedException {
        Path jar = jar();
        WordCount example = new WordCount();
        KafkaCluster.createTopics(cluster.bootstrap, partitions, example.topics(run).toArray(new String[0]));
        cluster.say("topics: " + String.join(", ", example.topics(run)));
        long expected = -1;
        if (records > 0) {
            expected = example.produce(cluster.bootstrap, run, 0, records);
            cluster.say("wrote " + records + " input lines; " + expected + " counts will reach "
                    + example.progressTopic(run));
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString(), "--server.port=" + port,
                "--eos.bootstrap-servers=" + cluster.bootstrap, "--eos.instance-id=" + instance,
                "--eos.config.state.dir=" + stateDir, "--eos.config.output.provenance.headers=true",
                "--eos.pipelines.split.application-id=" + run + "-split",
                "--eos.pipelines.count.application-id=" + run + "-count",
                "--wordcount.lines-topic=" + run + "-lines", "--wordcount.words-topic=" + run + "-words",
                "--wordcount.counts-topic=" + run + "-counts"));
        cluster.say("starting the application: java -jar " + JAR + " (its log follows)");
        cluster.say("health: curl localhost:" + port + "/actuator/health; meters: curl localhost:" + port
                + "/actuator/prometheus; Ctrl-C stops it");
        Process app;
        try {
            app = new ProcessBuilder(cmd).inheritIO().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + jar, e);
        }
        RunProgress progress = new RunProgress(cluster.bootstrap, example.progressTopic(run), null, expected, List.of());
        RunLoop loop = new RunLoop(cluster, progress, example.audits(run));
        if (loop.runUntilStopped(() -> { }, app::isAlive,
                "stopping: SIGTERM to the application, which commits what it processed...", () -> stop(app),
                cleanUp)) {
            return 0;
        }
        cluster.say("the application exited with code " + app.exitValue());
        progress.close();
        return app.exitValue() == 0 ? 0 : 1;
    }

    private static void stop(Process app) {
        app.destroy();
        try {
            if (!app.waitFor(40, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The sample's jar, built through the Maven wrapper of the clone {@code ./eos} runs from when it is missing or
     * older than the sources it is built from.
     *
     * @throws IllegalStateException outside a clone, or if the build fails
     */
    private Path jar() throws InterruptedException {
        String home = System.getProperty("eos.home");
        if (home == null) {
            throw new IllegalStateException(NAME + " runs a module of the eos source tree: run it from a clone, "
                    + "as ./eos run " + NAME);
        }
        Path root = Path.of(home);
        Path jar = root.resolve(JAR);
        if (!Files.exists(jar) || newerSources(root, jar)) {
            cluster.say("building the Spring Boot sample application (first use or changed sources; a minute)...");
            try {
                Process build = new ProcessBuilder(root.resolve("mvnw").toString(), "-q", "-B", "-DskipTests",
                        "-pl", MODULE, "-am", "package").directory(root.toFile()).inheritIO().start();
                if (build.waitFor() != 0) {
                    throw new IllegalStateException("building " + MODULE + " failed (exit code " + build.exitValue()
                            + "); its output is above");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run " + root.resolve("mvnw"), e);
            }
        }
        return jar;
    }

    private static boolean newerSources(Path root, Path jar) {
        try {
            long built = Files.getLastModifiedTime(jar).toMillis();
            for (String module : List.of("eos-core", "eos-spring-boot-starter", MODULE)) {
                try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main"))) {
                    if (files.anyMatch(f -> f.toFile().lastModified() > built)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
