package dev.eos.internals.runtime;

import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the {@code consumer.}, {@code producer.} and {@code admin.} settings of a pipeline against the Kafka
 * clients' own definitions when the pipeline is built, so that a bad value or a misspelt key fails there, naming
 * the key as the user wrote it, instead of in a client created later (or, for a misspelt key, never). A key the
 * client does not define is refused with a suggestion when it is within two edits of one it does (a typo), and
 * otherwise passed through with a WARN: plugins, interceptors and config providers read keys of their own.
 */
public final class ClientSettingsCheck {

    private static final Logger log = LoggerFactory.getLogger(ClientSettingsCheck.class);

    /** How far a key may be from a known one to be taken for a typo of it. */
    private static final int TYPO_DISTANCE = 2;

    private ClientSettingsCheck() {
    }

    /**
     * Checks every prefixed key of {@code settings}.
     *
     * @throws ConfigException naming the key, for a value the client would refuse or a key that looks misspelt
     */
    public static void check(Map<String, ?> settings, String consumerPrefix, String producerPrefix,
            String adminPrefix) {
        settings.forEach((key, value) -> {
            if (key.startsWith(consumerPrefix)) {
                check(key, key.substring(consumerPrefix.length()), value, "consumer", ConsumerConfig.configDef());
            } else if (key.startsWith(producerPrefix)) {
                check(key, key.substring(producerPrefix.length()), value, "producer", ProducerConfig.configDef());
            } else if (key.startsWith(adminPrefix)) {
                check(key, key.substring(adminPrefix.length()), value, "admin client",
                        AdminClientConfig.configDef());
            }
        });
    }

    private static void check(String key, String name, Object value, String client, ConfigDef definition) {
        ConfigDef.ConfigKey known = definition.configKeys().get(name);
        if (known == null) {
            String near = nearest(name, definition.configKeys().keySet());
            if (near != null) {
                throw new ConfigException(key, value, "the Kafka " + client + " has no setting '" + name
                        + "'; did you mean '" + key.substring(0, key.length() - name.length()) + near + "'?");
            }
            log.warn("'{}' is not a setting of the Kafka {}; it is passed to the {} as given (for a plugin, an "
                    + "interceptor or a config provider)", key, client, client);
            return;
        }
        if (value == null) {
            return;
        }
        try {
            Object parsed = ConfigDef.parseType(name, value, known.type);
            if (known.validator != null) {
                known.validator.ensureValid(name, parsed);
            }
        } catch (ConfigException e) {
            throw new ConfigException(key, value, "not a valid value for the Kafka " + client + "'s '" + name
                    + "' (" + known.type.toString().toLowerCase(java.util.Locale.ROOT) + "): " + e.getMessage());
        }
    }

    /** The known name within two edits of {@code name}, the closest first; null if none. */
    public static String nearest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = TYPO_DISTANCE + 1;
        for (String k : known) {
            int d = distance(name, k, bestDistance);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance of {@code a} and {@code b}, or {@code limit} if it is at least that. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.min(rowMin, current[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return Math.min(previous[b.length()], limit);
    }
}
