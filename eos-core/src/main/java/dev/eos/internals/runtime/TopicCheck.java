package dev.eos.internals.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** The start-up check that a pipeline's input and output topics exist, with an error that names the missing ones. */
public final class TopicCheck {

    private TopicCheck() {
    }

    /**
     * Whether every topic exists; false if {@code stopRequested} became true while waiting for the cluster.
     *
     * @throws IllegalStateException naming the missing topics, or saying why the cluster could not be asked
     */
    public static boolean allExist(KafkaClients clients, Settings settings, List<String> inputs, List<String> outputs,
            BooleanSupplier stopRequested) {
        String prefix = "Cannot start pipeline '" + settings.applicationId() + "': ";
        Set<String> existing;
        try {
            existing = clients.topicNames(settings.adminConfigs(), Duration.ofSeconds(60), stopRequested);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(prefix + "cannot list the topics on " + settings.bootstrapServers()
                    + ": " + e.getMessage(), e.getCause());
        }
        if (existing == null) {
            return false;
        }
        List<String> missingIn = new ArrayList<>(inputs);
        missingIn.removeAll(existing);
        List<String> missingOut = new ArrayList<>(outputs);
        missingOut.removeAll(existing);
        if (missingIn.isEmpty() && missingOut.isEmpty()) {
            return true;
        }
        StringBuilder msg = new StringBuilder(prefix);
        if (!missingIn.isEmpty()) {
            msg.append("input topic(s) ").append(missingIn).append(" do not exist");
        }
        if (!missingOut.isEmpty()) {
            msg.append(missingIn.isEmpty() ? "" : "; ").append("output topic(s) ").append(missingOut)
                    .append(" do not exist");
        }
        throw new IllegalStateException(msg.append(" on ").append(settings.bootstrapServers())
                .append(". Create them first.").toString());
    }
}
