package dev.eos.examples.cli;

import dev.eos.examples.Backlog;
import dev.eos.examples.Example;
import dev.eos.examples.WorkerProcess;
import dev.eos.testkit.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code eos demo --example backlog}: input arrives steadily at {@code rate} records a second, each taking 1 to 5 s.
 * First one worker with one thread: the lag grows. Then two workers with the worker pool (one killed with
 * SIGKILL part way and replaced): the lag drains while each key stays in order. The lag is printed every few
 * seconds; the check runs at the end.
 */
final class BacklogDemo {

    private BacklogDemo() {
    }

    static int run(int records, int rate, int partitions, String given) {
        Example example = new Backlog();
        Thread producer = null;
        try (DemoRun d = new DemoRun(given)) {
            List<WorkerProcess> workers = d.workers;
            String bootstrap = d.bootstrap;
            String run = "eos-backlog-" + Long.toString(System.currentTimeMillis(), 36);
            d.say("Kafka at " + bootstrap + "; example backlog: " + example.description());
            KafkaCluster.createTopics(bootstrap, partitions, example.topics(run).toArray(new String[0]));
            AtomicInteger produced = new AtomicInteger();
            producer = new Thread(() -> {
                long start = System.nanoTime();
                while (produced.get() < records) {
                    int due = (int) Math.min(records, (System.nanoTime() - start) / 1_000_000_000.0 * rate + rate);
                    if (due > produced.get()) {
                        example.produce(bootstrap, run, produced.get(), due);
                        produced.set(due);
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "backlog-producer");
            producer.setDaemon(true);
            producer.start();
            d.say("writing " + records + " jobs at " + rate + " a second, each taking 1 to 5 s to process");
            Path logDir = Files.createTempDirectory("eos-demo-");

            d.say("phase 1: one worker, --concurrency 1");
            workers.add(start(bootstrap, run, "w1", logDir, "1"));
            report(d, bootstrap, run, 24, produced);
            workers.remove(0).stop(30);

            d.say("phase 2: two workers with the worker pool (256 threads each, KEY order)");
            workers.add(start(bootstrap, run, "w1", logDir, null));
            workers.add(start(bootstrap, run, "w2", logDir, null));
            report(d, bootstrap, run, 12, produced);
            WorkerProcess victim = workers.get(1);
            victim.kill();
            d.say("killed " + victim + " with SIGKILL");
            workers.set(1, start(bootstrap, run, "w2", logDir, null));
            long deadline = System.nanoTime() + 10L * 60 * 1_000_000_000L;
            while ((producer.isAlive() || lag(bootstrap, run) > 0) && System.nanoTime() < deadline) {
                report(d, bootstrap, run, 4, produced);
            }
            d.say("drained");
            return d.stopAndCheck(example, run);
        } catch (Exception e) {
            return DemoRun.crashed(e, records);
        } finally {
            if (producer != null) {
                producer.interrupt();
            }
        }
    }

    private static WorkerProcess start(String bootstrap, String run, String instance, Path dir, String concurrency) {
        List<String> options = new ArrayList<>(List.of("--example", Backlog.NAME));
        if (concurrency != null) {
            options.addAll(List.of("--concurrency", concurrency));
        }
        return WorkerProcess.start(bootstrap, run, instance, "-", "-", dir, options);
    }

    /** Prints the lag every 4 seconds for {@code seconds}. */
    private static void report(DemoRun d, String bootstrap, String run, int seconds, AtomicInteger produced)
            throws InterruptedException {
        for (int s = 0; s < seconds; s += 4) {
            Thread.sleep(4_000);
            d.say(String.format("  written %5d, lag %5d (records not yet committed as consumed)", produced.get(),
                    lag(bootstrap, run)));
        }
    }

    /** Records of the input not yet consumed by the group: end offsets minus committed offsets. */
    private static long lag(String bootstrap, String run) {
        String topic = run + "-jobs";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                    IsolationLevel.READ_COMMITTED)).all().get();
            var committed = admin.listConsumerGroupOffsets(run).partitionsToOffsetAndMetadata().get();
            long lag = 0;
            for (var e : ends.entrySet()) {
                var c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the lag of " + run + ": " + e, e);
        }
    }
}
