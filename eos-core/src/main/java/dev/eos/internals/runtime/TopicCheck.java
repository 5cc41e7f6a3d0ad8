package dev.eos.internals.runtime;

import dev.eos.FailureAction;
import dev.eos.TransactionalSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The start-up check that a pipeline's input, output and dead-letter topics exist, with an error that names the
 * missing ones by their role.
 */
public final class TopicCheck {

    private TopicCheck() {
    }

    /**
     * Whether every topic exists (the dead-letter topic too, if {@code failure.action=DEAD_LETTER}); false if
     * {@code stopRequested} became true while waiting for the cluster.
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
        String dlq = settings.failureAction() == FailureAction.DEAD_LETTER
                && !TransactionalSink.DEAD_LETTERS.equals(settings.deadLetterTopic()) ? settings.deadLetterTopic() : null;
        boolean missingDlq = dlq != null && !existing.contains(dlq);
        if (missingIn.isEmpty() && missingOut.isEmpty() && !missingDlq) {
            return true;
        }
        List<String> parts = new ArrayList<>();
        if (!missingIn.isEmpty()) {
            parts.add("input topic(s) " + missingIn + " do not exist");
        }
        if (!missingOut.isEmpty()) {
            parts.add("output topic(s) " + missingOut + " do not exist");
        }
        if (missingDlq) {
            parts.add("the dead-letter topic '" + dlq + "' (dead.letter.topic) does not exist");
        }
        throw new IllegalStateException(prefix + String.join("; ", parts) + " on " + settings.bootstrapServers()
                + ". Create them first.");
    }
}
