package dev.eos.examples;

import dev.eos.testkit.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One process of the example pipeline ({@code eos worker}) in a child JVM ({@link ChildJvm}), with the faults
 * the demo and the crash tests inject: SIGKILL, SIGSTOP/SIGCONT, and a clean SIGTERM. Its output goes to a log
 * file.
 */
public final class WorkerProcess {

    private final String instance;
    private final ChildJvm jvm;

    private WorkerProcess(String instance, ChildJvm jvm) {
        this.instance = instance;
        this.jvm = jvm;
    }

    /**
     * Starts a worker running {@link MapExample} with this class path's classes.
     *
     * @param logDir directory for the worker's log file ({@code worker-<instance>-<n>.log})
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
        List<String> args = new ArrayList<>(List.of("worker", "--bootstrap", bootstrap, "--app", app, "--input",
                input, "--output", output, "--instance", instance));
        args.addAll(options);
        return new WorkerProcess(instance, ChildJvm.start("worker-" + instance, "dev.eos.examples.cli.EosCli", args,
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), logDir));
    }

    /** The worker's instance id. */
    public String instance() {
        return instance;
    }

    /** The operating-system process id. */
    public long pid() {
        return jvm.pid();
    }

    /** Whether the process runs. */
    public boolean isAlive() {
        return jvm.isAlive();
    }

    /** The worker's log file. */
    public Path logFile() {
        return jvm.logFile();
    }

    /** The worker's log so far. */
    public String log() {
        return jvm.log();
    }

    /** Kills the worker with SIGKILL and waits until it is gone. */
    public void kill() {
        jvm.kill();
    }

    /** Suspends the worker (SIGSTOP). */
    public void pause() {
        jvm.pause();
    }

    /** Resumes a suspended worker (SIGCONT). */
    public void resume() {
        jvm.resume();
    }

    /**
     * Stops the worker cleanly (SIGTERM: the pipeline commits and closes), killing it if it has not exited
     * within the timeout.
     *
     * @return whether it exited within the timeout
     */
    public boolean stop(long timeoutSeconds) {
        return jvm.stop(timeoutSeconds);
    }

    @Override
    public String toString() {
        return "worker " + instance + " (pid " + pid() + ")";
    }
}
