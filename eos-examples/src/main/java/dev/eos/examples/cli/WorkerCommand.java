package dev.eos.examples.cli;

import dev.eos.Pipeline;
import dev.eos.examples.Example;
import dev.eos.examples.MapExample;
import dev.eos.examples.MetricsEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code eos worker}: one process running the example pipeline until it is terminated (SIGTERM closes it
 * cleanly) or fails. Prints {@code WORKER <instance> <application.id> <state>} on each state change. With {@code --example NAME}
 * it runs that {@link Example}'s pipelines instead of the map example.
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
        if (Boolean.parseBoolean(args.get("provenance", "false"))) {
            extra.put("output.provenance.headers", true);
        }
        int metricsPort = args.getInt("metrics-port", -1, 0, 65_535);
        MetricsEndpoint metrics = metricsPort < 0 ? null : MetricsEndpoint.start(metricsPort);
        if (metrics != null) {
            System.out.println("WORKER " + instance + " metrics at http://localhost:" + metrics.port() + "/metrics");
        }
        String dlq = args.get("dead-letter-topic", null);
        if (dlq != null) {
            extra.put("failure.action", "DEAD_LETTER");
            extra.put("dead.letter.topic", dlq);
            extra.put("retry.backoff.ms", 10L);
        }
        String exampleName = args.get("example", null);
        boolean countPerKey = Boolean.parseBoolean(args.get("count-per-key", "false"));
        if (countPerKey || exampleName != null) {
            extra.put("state.dir", args.get("state-dir", Path.of(System.getProperty("java.io.tmpdir"),
                    "eos-state-" + instance).toString()));
        }
        List<Pipeline<?, ?>> pipelines;
        if (exampleName == null) {
            pipelines = List.of(MapExample.pipeline(args.require("bootstrap"), args.require("app"), instance,
                    args.require("input"), args.require("output"), extra, args.getInt("max-sleep-ms", 0, 0, 60_000),
                    args.getInt("poison-every", 0, 0, Integer.MAX_VALUE),
                    metrics == null ? null : metrics.registry(), countPerKey));
        } else {
            Example example = Example.all().get(exampleName);
            if (example == null) {
                throw new Args.UsageException("unknown example '" + exampleName + "'; examples: "
                        + new java.util.TreeSet<>(Example.all().keySet()));
            }
            pipelines = example.pipelines(args.require("bootstrap"), args.require("app"), instance, extra);
        }
        CountDownLatch done = new CountDownLatch(pipelines.size());
        for (Pipeline<?, ?> pipeline : pipelines) {
            pipeline.addStateListener((now, before) -> {
                System.out.println("WORKER " + instance + " " + pipeline.applicationId() + " " + now);
                System.out.flush();
                if (now.isTerminal()) {
                    done.countDown();
                }
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Pipeline<?, ?> pipeline : pipelines) {
                pipeline.close(Duration.ofSeconds(20));
            }
        }, "eos-worker-shutdown"));
        for (Pipeline<?, ?> pipeline : pipelines) {
            pipeline.start();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (metrics != null) {
            metrics.close();
        }
        return pipelines.stream().anyMatch(p -> p.state() == Pipeline.State.FAILED) ? 1 : 0;
    }
}
