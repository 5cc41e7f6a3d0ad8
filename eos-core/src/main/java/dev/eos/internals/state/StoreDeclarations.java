package dev.eos.internals.state;

import dev.eos.EosConfig;
import dev.eos.Ordering;
import dev.eos.StoreDefinition;
import java.util.Collection;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/** The build-time rules of a pipeline with state stores, each broken one named in its error. */
public final class StoreDeclarations {

    private StoreDeclarations() {
    }

    /**
     * Checks that a pipeline with stores reads one input topic, keeps KEY or PARTITION order (in any letter case),
     * and does not use a changelog topic as an input, an output or the dead-letter topic.
     *
     * @param config the pipeline's settings: application id, ordering, dead-letter topic
     * @throws IllegalStateException for the topics
     * @throws ConfigException for the ordering
     */
    public static void check(Collection<StoreDefinition<?, ?>> stores, Set<String> inputs, Set<String> outputs,
            EosConfig config) {
        if (stores.isEmpty()) {
            return;
        }
        String applicationId = config.getString(EosConfig.APPLICATION_ID_CONFIG);
        String ordering = config.getString(EosConfig.ORDERING_CONFIG);
        String deadLetterTopic = config.getString(EosConfig.DEAD_LETTER_TOPIC_CONFIG);
        Set<String> names = new java.util.TreeSet<>();
        stores.forEach(s -> names.add(s.name()));
        if (inputs.size() != 1) {
            throw new IllegalStateException("A pipeline with state stores " + names + " reads exactly one input "
                    + "topic (a store has one instance per input partition); given: " + inputs);
        }
        if (ordering != null && Ordering.UNORDERED.name().equalsIgnoreCase(ordering.trim())) {
            throw new ConfigException(EosConfig.ORDERING_CONFIG, ordering, "A pipeline with state stores " + names
                    + " needs ordering KEY or PARTITION: with UNORDERED, records of one key could update a store at "
                    + "the same time");
        }
        for (StoreDefinition<?, ?> s : stores) {
            String changelog = s.changelogTopic(applicationId);
            if (inputs.contains(changelog) || outputs.contains(changelog)
                    || (deadLetterTopic != null && changelog.equals(deadLetterTopic.trim()))) {
                throw new IllegalStateException("Topic '" + changelog + "' is the changelog of store '" + s.name()
                        + "'; it cannot be an input, output or dead-letter topic");
            }
        }
    }
}
