package dev.eos.examples.cli;

import dev.eos.Pipeline;
import dev.eos.examples.MapExample;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code eos worker}: one process running the example pipeline until it is terminated (SIGTERM closes it
 * cleanly) or fails. Prints {@code WORKER <instance> <state>} on each state change.
 */
final class WorkerCommand {

    private WorkerCommand() {
    }

    static int run(Args args) {
        String instance = args.require("instance");
        Map<String, Object> extra = new HashMap<>();
        extra.put("commit.interval.ms", Long.parseLong(args.get("commit-interval-ms", "100")));
        String protocol = args.get("group-protocol", "classic");
        extra.put("consumer.group.protocol", protocol);
        if (protocol.equals("classic")) {
            // a stalled worker leaves the group after 6 s, so a paused process becomes a zombie quickly
            extra.put("consumer.session.timeout.ms", 6000);
            extra.put("consumer.heartbeat.interval.ms", 1000);
        }
        extra.put("concurrency", args.getInt("concurrency", 16, 1, 10_000));
        extra.put("ordering", args.get("ordering", "KEY"));
        if (Boolean.parseBoolean(args.get("transaction-header", "false"))) {
            extra.put("output.transaction.header", true);
        }
        String dlq = args.get("dead-letter-topic", null);
        if (dlq != null) {
            extra.put("failure.action", "DEAD_LETTER");
            extra.put("dead.letter.topic", dlq);
            extra.put("retry.backoff.ms", 10L);
        }
        Pipeline<String, String> pipeline = MapExample.pipeline(args.require("bootstrap"), args.require("app"),
                instance, args.require("input"), args.require("output"), extra,
                args.getInt("max-sleep-ms", 0, 0, 60_000), args.getInt("poison-every", 0, 0, Integer.MAX_VALUE));
        CountDownLatch done = new CountDownLatch(1);
        pipeline.addStateListener((now, before) -> {
            System.out.println("WORKER " + instance + " " + now);
            System.out.flush();
            if (now.isTerminal()) {
                done.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> pipeline.close(Duration.ofSeconds(20)),
                "eos-worker-shutdown"));
        pipeline.start();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return pipeline.state() == Pipeline.State.FAILED ? 1 : 0;
    }
}
