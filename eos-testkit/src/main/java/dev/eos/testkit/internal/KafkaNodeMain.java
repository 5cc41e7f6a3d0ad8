package dev.eos.testkit.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of one Kafka node process started by the testkit: formats the node's storage (once), then
 * runs the Kafka broker/controller. Not API.
 *
 * <p>Arguments: {@code <server.properties> <cluster id> <watch-stdin|detached>}. In {@code watch-stdin}
 * mode a daemon thread reads standard input, which the parent JVM holds open, and halts this process when
 * it reaches end of file: the parent is gone, whether it exited or was killed.
 */
public final class KafkaNodeMain {

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: KafkaNodeMain <server.properties> <cluster id> <watch-stdin|detached>");
            System.exit(2);
        }
        String config = args[0];
        String clusterId = args[1];
        if ("watch-stdin".equals(args[2])) {
            Thread watchdog = new Thread(KafkaNodeMain::haltWhenParentGone, "eos-testkit-parent-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        int rc = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", config, "--ignore-formatted"}, System.out);
        if (rc != 0) {
            System.err.println("Formatting the storage failed with code " + rc);
            Runtime.getRuntime().halt(rc);
        }
        kafka.Kafka.main(new String[] {config});
    }

    private static void haltWhenParentGone() {
        InputStream in = System.in;
        byte[] buf = new byte[64];
        try {
            while (in.read(buf) >= 0) {
                // the parent writes nothing; keep reading until the pipe closes
            }
        } catch (IOException e) {
            // the pipe broke: the parent is gone
        }
        System.err.println("eos-testkit: parent process gone, halting node");
        Runtime.getRuntime().halt(1);
    }
}
