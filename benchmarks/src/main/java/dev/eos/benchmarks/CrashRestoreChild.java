package dev.eos.benchmarks;

import java.nio.file.Path;

/**
 * A stateful contender of scenario crash-restore in a JVM of its own, so that it can be killed with SIGKILL:
 * {@code <contender> <bootstrap> <application id> <input> <output> <state dir>}. It counts until SIGTERM (a clean
 * close) or SIGKILL; restores print a line each ({@code ... restored: N changelog record(s)}).
 */
public final class CrashRestoreChild {

    private CrashRestoreChild() {
    }

    public static void main(String[] args) throws Exception {
        Contender c = Contender.of(args[0]);
        Contender.stateDir = Path.of(args[5]);
        AutoCloseable handle = c.start(args[1], args[2], args[3], args[4], Scenario.STATE);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                handle.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        Thread.currentThread().join();
    }
}
