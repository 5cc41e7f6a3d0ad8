package dev.eos.testkit.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics and waits until each partition has a leader. Not API: use {@code KafkaCluster.createTopics}. */
public final class Topics {

    private Topics() {
    }

    /**
     * Creates the topics (existing ones are left as they are) and returns once every partition has a leader.
     *
     * @param replicationFactor the replication factor, or 0 for min(3, number of brokers)
     */
    public static void create(String bootstrapServers, short replicationFactor, int partitions, String... topics) {
        List<String> names = List.of(topics);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers,
                "request.timeout.ms", 10_000, "default.api.timeout.ms", 30_000))) {
            short rf = replicationFactor > 0 ? replicationFactor
                    : (short) Math.min(3, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
            List<NewTopic> newTopics = Stream.of(topics).map(t -> new NewTopic(t, partitions, rf))
                    .collect(Collectors.toList());
            try {
                admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topics " + names + ": " + e.getCause(), e);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    boolean ready = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS)
                            .values().stream()
                            .allMatch(d -> d.partitions().stream()
                                    .allMatch(p -> p.leader() != null && p.leader().id() >= 0));
                    if (ready) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // not yet known to the broker we asked
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topics " + names + " have no leaders after 60 s");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + names, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot create topics " + names + ": " + e, e);
        }
    }
}
