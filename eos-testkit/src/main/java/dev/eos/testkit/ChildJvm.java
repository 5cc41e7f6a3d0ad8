package dev.eos.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A Java program in a child JVM (with this JVM's class path unless given another), its output in a log file, and the faults tests inject:
 * SIGKILL ({@link #kill()}), SIGSTOP/SIGCONT ({@link #pause()}, {@link #resume()}) and a clean SIGTERM
 * ({@link #stop(long)}). Needs a POSIX {@code kill} command for the signals other than SIGKILL and SIGTERM.
 */
public final class ChildJvm {

    private final String name;
    private final Path logFile;
    private final Process process;

    private ChildJvm(String name, Path logFile, Process process) {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
    }

    /**
     * Starts {@code mainClass} with {@code args} (and {@code jvmOptions}, for example {@code -Xmx256m}).
     *
     * @param name names the process in logs and its log file ({@code <name>-<n>.log} in {@code logDir})
     * @throws UncheckedIOException if the process cannot be started
     */
    public static ChildJvm start(String name, String mainClass, List<String> args, List<String> jvmOptions,
            Path logDir) {
        return start(name, System.getProperty("java.class.path"), mainClass, args, jvmOptions, logDir);
    }

    /**
     * The same with another class path than this JVM's, for a program that needs other versions of its
     * libraries.
     */
    public static ChildJvm start(String name, String classPath, String mainClass, List<String> args,
            List<String> jvmOptions, Path logDir) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classPath, mainClass));
        cmd.addAll(args);
        try {
            Files.createDirectories(logDir);
            Path log = Files.createTempFile(logDir, name + "-", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            return new ChildJvm(name, log, p);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + " (" + mainClass + ")", e);
        }
    }

    /** The name it was started with. */
    public String name() {
        return name;
    }

    /** The operating-system process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Its log file. */
    public Path logFile() {
        return logFile;
    }

    /** Its log so far. */
    public String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor(30);
    }

    /** SIGSTOP: the process freezes, sockets open. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    /**
     * SIGTERM (after SIGCONT, in case it is paused), then waits; kills it if it has not exited in time.
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

    /**
     * Waits for the process to exit on its own.
     *
     * @return its exit code, or empty if it is still running after the timeout
     */
    public OptionalInt awaitExit(long timeoutSeconds) {
        return waitFor(timeoutSeconds) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
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
        return name + " (pid " + pid() + ")";
    }
}
