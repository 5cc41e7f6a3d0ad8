package dev.eos.spring;

import dev.eos.EosConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.diagnostics.FailureAnalyzedException;

/**
 * The settings the {@code eos.*} properties give one pipeline, each with the property it came from, so that a value
 * {@link EosConfig} refuses is reported by the name the user wrote.
 */
final class PipelineSettings {

    private static final List<String> CLIENT_PREFIXES =
            List.of(EosConfig.CONSUMER_PREFIX, EosConfig.PRODUCER_PREFIX, EosConfig.ADMIN_PREFIX);

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    private PipelineSettings() {
    }

    /**
     * The settings of pipeline {@code name}.
     *
     * @param springKafkaBootstrap spring.kafka.bootstrap-servers, the default of eos.bootstrap-servers
     * @throws FailureAnalyzedException if no bootstrap servers are set anywhere
     */
    static PipelineSettings of(String name, EosProperties properties, List<String> springKafkaBootstrap) {
        PipelineSettings s = new PipelineSettings();
        EosProperties.Pipeline own = properties.getPipelines().getOrDefault(name, new EosProperties.Pipeline());
        if (properties.getBootstrapServers() != null && !properties.getBootstrapServers().isEmpty()) {
            s.put(EosConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", properties.getBootstrapServers()),
                    "eos.bootstrap-servers");
        } else if (springKafkaBootstrap != null && !springKafkaBootstrap.isEmpty()) {
            s.put(EosConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", springKafkaBootstrap),
                    "spring.kafka.bootstrap-servers");
        } else {
            throw new FailureAnalyzedException("eos pipeline '" + name + "' has no Kafka brokers to connect to",
                    "Set eos.bootstrap-servers (or spring.kafka.bootstrap-servers).");
        }
        if (own.getApplicationId() != null) {
            s.put(EosConfig.APPLICATION_ID_CONFIG, own.getApplicationId(),
                    "eos.pipelines." + name + ".application-id");
        } else {
            s.put(EosConfig.APPLICATION_ID_CONFIG, name, "the pipeline's name, '" + name + "'");
        }
        if (properties.getInstanceId() != null && !properties.getInstanceId().isEmpty()) {
            s.put(EosConfig.INSTANCE_ID_CONFIG, properties.getInstanceId(), "eos.instance-id");
        }
        s.putClientSettings(properties.getKafka(), "eos.kafka.");
        s.putClientSettings(own.getKafka(), "eos.pipelines." + name + ".kafka.");
        properties.getConfig().forEach((k, v) -> s.put(k, v, "eos.config." + k));
        own.getConfig().forEach((k, v) -> s.put(k, v, "eos.pipelines." + name + ".config." + k));
        return s;
    }

    private void putClientSettings(Map<String, String> settings, String property) {
        settings.forEach((k, v) -> {
            for (String prefix : CLIENT_PREFIXES) {
                put(prefix + k, v, property + k);
            }
        });
    }

    private void put(String key, String value, String source) {
        values.put(key, value);
        sources.put(key, source);
    }

    /** The eos configuration keys and values, to give {@code Pipeline.Builder.config}. */
    Map<String, String> values() {
        return values;
    }

    /** The property that set {@code key}; null if none did. */
    String source(String key) {
        return sources.get(key);
    }

    /**
     * The property behind the key that an error message of {@link EosConfig} names ("... for configuration
     * retry.max.attempts: ..."), or null if the message names none of these keys.
     */
    String sourceNamedIn(String message) {
        if (message == null) {
            return null;
        }
        List<String> keys = new ArrayList<>(sources.keySet());
        keys.sort(Comparator.comparingInt(String::length).reversed());
        for (String key : keys) {
            if (message.contains("configuration " + key + ":") || message.endsWith("configuration " + key)
                    || message.contains("\"" + key + "\"") || message.contains("'" + key + "'")) {
                return sources.get(key);
            }
        }
        return null;
    }
}
