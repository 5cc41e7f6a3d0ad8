package dev.eos.examples.cli;

import dev.eos.examples.Example;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The loop of {@code eos run}: a progress line every 5 s until Ctrl-C or until what runs ends by itself. Ctrl-C's
 * shutdown hook stops what runs (committing what it processed), prints the last progress line and the
 * {@code eos verify} commands, and cleans up; the loop and the hook take turns on one lock, so the hook never
 * reads progress while the loop does.
 */
final class RunLoop {

    /** What the loop reports: read for a while, then say it in one line. Used by one thread at a time. */
    interface Progress extends AutoCloseable {
        /** Reads what was committed since the last call, for about {@code ms} milliseconds. */
        void read(long ms);

        /** The progress line. */
        String line();

        @Override
        void close();
    }

    /** How often a progress line is printed. */
    private static final long PROGRESS_MS = 5_000;

    private final DemoRun cluster;
    private final Progress progress;
    private final List<Example.Audit> audits;

    /** @param audits the pairs {@code eos verify} can audit (none: no audit commands are printed) */
    RunLoop(DemoRun cluster, Progress progress, List<Example.Audit> audits) {
        this.cluster = cluster;
        this.progress = progress;
        this.audits = audits;
    }

    /** Prints the {@code eos verify} commands that audit the committed output. */
    void sayAudits() {
        if (audits.isEmpty()) {
            return;
        }
        cluster.say("audit the committed output with (outputs carry provenance headers):");
        for (Example.Audit a : audits) {
            cluster.say("  " + a.command(cluster.bootstrap));
        }
    }

    /**
     * Registers the Ctrl-C hook, runs {@code start}, then prints progress while {@code running} holds.
     *
     * @param stopping what the hook says before it runs {@code stop}
     * @param cleanUp what the hook does last (the JVM ends after it)
     * @return true if Ctrl-C ended the run (the hook has stopped, reported and cleaned up), false if what ran
     *     ended by itself (the caller reports and cleans up)
     */
    boolean runUntilStopped(Runnable start, BooleanSupplier running, String stopping, Runnable stop,
            Runnable cleanUp) throws InterruptedException {
        Object lock = new Object();
        Thread hook = new Thread(() -> {
            synchronized (lock) {
                cluster.say(stopping);
                stop.run();
                progress.read(2_000);
                cluster.say("stopped; " + progress.line());
                if (cluster.ownsCluster() && !audits.isEmpty()) {
                    cluster.say("this run's cluster is deleted now; to audit after a run, run against ./eos kafka "
                            + "start's cluster");
                } else {
                    sayAudits();
                }
                progress.close();
                cleanUp.run();
            }
        }, "eos-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        start.run();
        long lastLine = System.nanoTime();
        while (running.getAsBoolean()) {
            synchronized (lock) { // short reads: a Ctrl-C's hook takes the lock soon
                if (running.getAsBoolean()) {
                    progress.read(250);
                    if (System.nanoTime() - lastLine >= Duration.ofMillis(PROGRESS_MS).toNanos()) {
                        lastLine = System.nanoTime();
                        cluster.say(progress.line());
                    }
                }
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return false;
        } catch (IllegalStateException shuttingDown) {
            hook.join(); // Ctrl-C: the hook stops, reports and cleans up
            return true;
        }
    }
}
