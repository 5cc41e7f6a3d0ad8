package dev.eos.internals.state;

import dev.eos.StoreDefinition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure each store's changelog topic exists with the right shape before a stateful pipeline starts: it
 * creates the missing ones (compacted, as many partitions as the input topic) and rejects existing ones that are
 * not compacted only (compact,delete lets retention delete state), or have another partition count, naming the
 * topic. It returns what the restore checks a local store's position against.
 */
public final class ChangelogTopics {

    /**
     * What a local store's position is checked against when it opens.
     *
     * @param topicId the changelog's topic id: a position recorded under another id is of a deleted topic
     * @param deleteRetentionMs the changelog's {@code delete.retention.ms}: a position older than this may have
     *     missed tombstones that compaction has dropped since
     * @param maxRecordBytes the largest changelog record a commit can send: the smaller of the topic's
     *     {@code max.message.bytes} and the producer's {@code max.request.size}
     */
    public record Changelog(Uuid topicId, long deleteRetentionMs, int maxRecordBytes) {
    }

    private static final Logger log = LoggerFactory.getLogger(ChangelogTopics.class);
    private static final long TIMEOUT_S = 60;

    private ChangelogTopics() {
    }

    /**
     * @param replicationFactor the replication factor of created topics, or -1 for the broker's default
     * @param maxRequestSize the producer's {@code max.request.size}
     * @return each changelog topic by name
     * @throws IllegalStateException if a changelog exists with the wrong cleanup policy or partition count, or
     *     the cluster cannot be asked
     */
    public static Map<String, Changelog> ensure(Admin admin, String app, String inputTopic,
            Collection<StoreDefinition<?, ?>> stores, int replicationFactor, int maxRequestSize) {
        String prefix = "Cannot start pipeline '" + app + "': ";
        try {
            int partitions = describe(admin, List.of(inputTopic)).get(inputTopic).partitions().size();
            List<String> names = new ArrayList<>();
            for (StoreDefinition<?, ?> s : stores) {
                names.add(s.changelogTopic(app));
            }
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : names) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, Optional.of(partitions), replicationFactor < 0 ? Optional.empty()
                            : Optional.of((short) replicationFactor))
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
                }
            }
            if (!missing.isEmpty()) {
                for (var e : admin.createTopics(missing).values().entrySet()) {
                    try {
                        e.getValue().get(TIMEOUT_S, TimeUnit.SECONDS);
                        log.info("[app={}] created changelog topic {} ({} partitions, compacted)", app, e.getKey(),
                                partitions);
                    } catch (ExecutionException ex) {
                        if (!(ex.getCause() instanceof TopicExistsException)) {
                            throw ex;
                        }
                    }
                }
            }
            Map<String, TopicDescription> described = untilKnown(() -> describe(admin, names));
            List<ConfigResource> resources = new ArrayList<>();
            for (String name : names) {
                int n = described.get(name).partitions().size();
                if (n != partitions) {
                    throw new IllegalStateException(prefix + "changelog topic '" + name + "' has " + n
                            + " partition(s) but input topic '" + inputTopic + "' has " + partitions
                            + "; a changelog is partitioned like the input (delete it to have it recreated)");
                }
                resources.add(new ConfigResource(ConfigResource.Type.TOPIC, name));
            }
            Map<ConfigResource, Config> configs = untilKnown(() -> admin.describeConfigs(resources).all()
                    .get(TIMEOUT_S, TimeUnit.SECONDS));
            Map<String, Changelog> out = new java.util.HashMap<>();
            for (var e : configs.entrySet()) {
                ConfigEntry policy = e.getValue().get(TopicConfig.CLEANUP_POLICY_CONFIG);
                String value = policy == null || policy.value() == null ? "" : policy.value();
                if (!value.contains(TopicConfig.CLEANUP_POLICY_COMPACT)
                        || value.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                    throw new IllegalStateException(prefix + "changelog topic '" + e.getKey().name() + "' has "
                            + "cleanup.policy=" + value + "; a changelog must be compacted only "
                            + "(cleanup.policy=compact), or the state it holds is deleted with old segments");
                }
                ConfigEntry retention = e.getValue().get(TopicConfig.DELETE_RETENTION_MS_CONFIG);
                long deleteRetentionMs = retention == null || retention.value() == null ? 86_400_000L
                        : Long.parseLong(retention.value());
                ConfigEntry maxMessage = e.getValue().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                int maxMessageBytes = maxMessage == null || maxMessage.value() == null ? 1_048_588
                        : Integer.parseInt(maxMessage.value());
                String name = e.getKey().name();
                out.put(name, new Changelog(described.get(name).topicId(), deleteRetentionMs,
                        Math.min(maxMessageBytes, maxRequestSize)));
            }
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException(prefix + "cannot check the changelog topics: " + e.getCause(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(prefix + "no answer within " + TIMEOUT_S + " s checking the changelog "
                    + "topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(prefix + "interrupted while checking the changelog topics", e);
        }
    }

    /** An admin call that may not find topics created a moment ago yet: retried for up to 30 seconds. */
    private interface AdminCall<T> {
        T call() throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException;
    }

    private static <T> T untilKnown(AdminCall<T> call)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return call.call();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // the metadata of a new topic reaches every broker a moment later
            }
        }
    }

    private static Map<String, TopicDescription> describe(Admin admin, Collection<String> names)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        return admin.describeTopics(names).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS);
    }
}
