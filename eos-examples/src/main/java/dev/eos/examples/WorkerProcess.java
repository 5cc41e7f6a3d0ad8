package dev.eos.examples;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One process of the example pipeline ({@code eos worker}) in a child JVM, with the faults the demo and the
 * crash tests inject: SIGKILL, SIGSTOP/SIGCONT, and a clean SIGTERM. Its output goes to a log file.
 */
public final class WorkerProcess {

    private final String instance;
    private final Path logFile;
    private final Process process;

    private WorkerProcess(String instance, Path logFile, Process process) {
        this.instance = instance;
        this.logFile = logFile;
        this.process = process;
    }

    /**
     * Starts a worker running {@link MapExample} with this class path's classes.
     *
     * @param logDir directory for the worker's log file ({@code worker-<instance>-<pid>.log})
     */
    public static WorkerProcess start(String bootstrap, String app, String instance, String input, String output,
            Path logDir) {
        return start(bootstrap, app, instance, input, output, logDir, List.of());
    }

    /**
     * Starts a worker with more {@code eos worker} options, for example
     * {@code List.of("--commit-interval-ms", "2000")}.
     */
    public static WorkerProcess start(String bootstrap, String app, String instance, String input, String output,
            Path logDir, List<String> options) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.eos.examples.cli.EosCli", "worker",
                "--bootstrap", bootstrap, "--app", app, "--input", input, "--output", output, "--instance", instance));
        cmd.addAll(options);
        try {
            Files.createDirectories(logDir);
            Path log = Files.createTempFile(logDir, "worker-" + instance + "-", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            return new WorkerProcess(instance, log, p);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start worker " + instance, e);
        }
    }

    /** The worker's instance id. */
    public String instance() {
        return instance;
    }

    /** The operating-system process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The worker's log file. */
    public Path logFile() {
        return logFile;
    }

    /** The worker's log so far. */
    public String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** Kills the worker with SIGKILL and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor(30);
    }

    /** Suspends the worker (SIGSTOP). */
    public void pause() {
        signal("STOP");
    }

    /** Resumes a suspended worker (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    /**
     * Stops the worker cleanly (SIGTERM: the pipeline commits and closes), killing it if it has not exited
     * within the timeout.
     *
     * @return whether it exited within the timeout
     */
    public boolean stop(long timeoutSeconds) {
        signal("CONT");
        process.destroy();
        boolean exited = waitFor(timeoutSeconds);
        if (!exited) {
            kill();
        }
        return exited;
    }

    private boolean waitFor(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void signal(String sig) {
        if (!process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).inheritIO().start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "worker " + instance + " (pid " + pid() + ")";
    }
}
