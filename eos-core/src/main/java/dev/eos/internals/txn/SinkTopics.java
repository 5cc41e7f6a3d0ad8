package dev.eos.internals.txn;

import dev.eos.internals.runtime.KafkaClients;
import dev.eos.internals.runtime.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The topics a pipeline writes to (outputs, dead letters, changelogs). A send that fails as a missing topic does
 * (the producer waited {@code max.block.ms} for its metadata, or the broker does not know it) makes it ask the
 * cluster whether one of them was deleted since the start; if so the pipeline fails at once, naming it, instead of
 * aborting and retrying, each time blocked {@code max.block.ms}, until {@code max.consecutive.aborts}.
 */
public final class SinkTopics {

    private final List<String> topics = new ArrayList<>();
    private final KafkaClients clients;
    private final Settings settings;
    private final BooleanSupplier stopRequested;

    /** The output and changelog topics given, and the dead-letter topic if the settings name one. */
    public SinkTopics(Collection<String> outputs, Collection<String> changelogs, KafkaClients clients,
            Settings settings, BooleanSupplier stopRequested) {
        topics.addAll(outputs);
        topics.addAll(changelogs);
        if (!settings.deadLetterTopic().isEmpty()) {
            topics.add(settings.deadLetterTopic());
        }
        this.clients = clients;
        this.settings = settings;
        this.stopRequested = stopRequested;
    }

    /**
     * Fails if {@code failure} is what a missing topic gives and one of the topics no longer exists.
     *
     * @throws IllegalStateException naming the topics that are gone
     */
    void failIfGone(Exception failure) {
        if (!(failure instanceof TimeoutException || failure instanceof UnknownTopicOrPartitionException)) {
            return;
        }
        Set<String> existing;
        try {
            existing = clients.topicNames(settings.adminConfigs(), Duration.ofSeconds(30), stopRequested);
        } catch (IllegalStateException cannotAsk) {
            return; // the cluster does not answer: the abort and retry go on as for any failure
        }
        if (existing == null) {
            return;
        }
        List<String> gone = new ArrayList<>(topics);
        gone.removeAll(existing);
        if (!gone.isEmpty()) {
            throw new IllegalStateException("Topic(s) " + gone + " that this pipeline writes to no longer exist on "
                    + settings.bootstrapServers() + " (deleted after the start?); a send failed with: " + failure, failure);
        }
    }
}
