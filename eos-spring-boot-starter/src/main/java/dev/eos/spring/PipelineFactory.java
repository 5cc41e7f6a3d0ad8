package dev.eos.spring;

import dev.eos.Pipeline;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;
import org.springframework.boot.diagnostics.FailureAnalyzedException;

/** Builds the application's pipelines from their definitions and the {@code eos.*} properties. */
final class PipelineFactory {

    private final EosProperties properties;
    private final List<String> springKafkaBootstrap;
    private final MeterRegistry registry;

    /**
     * @param springKafkaBootstrap spring.kafka.bootstrap-servers, the default of eos.bootstrap-servers; may be null
     * @param registry the application's meter registry; null for none
     */
    PipelineFactory(EosProperties properties, List<String> springKafkaBootstrap, MeterRegistry registry) {
        this.properties = properties;
        this.springKafkaBootstrap = springKafkaBootstrap;
        this.registry = registry;
    }

    /**
     * Builds one pipeline per definition, by name.
     *
     * @throws FailureAnalyzedException if two definitions share a name, properties name a pipeline no definition
     *     has, or a setting is invalid (the message names the property)
     */
    Map<String, Pipeline<?, ?>> buildAll(List<PipelineDefinition<?, ?>> definitions) {
        Map<String, Pipeline<?, ?>> built = new LinkedHashMap<>();
        for (PipelineDefinition<?, ?> d : definitions) {
            if (built.containsKey(d.name())) {
                throw new FailureAnalyzedException("Two PipelineDefinition beans are named '" + d.name() + "'",
                        "Give each pipeline a name of its own.");
            }
            built.put(d.name(), build(d));
        }
        Set<String> unknown = new TreeSet<>(properties.getPipelines().keySet());
        unknown.removeAll(built.keySet());
        if (!unknown.isEmpty()) {
            throw new FailureAnalyzedException("eos.pipelines names " + unknown + " but no PipelineDefinition bean "
                    + "has " + (unknown.size() == 1 ? "that name" : "those names") + "; the application defines "
                    + built.keySet(), "Correct the name in eos.pipelines.<name>, or remove its settings.");
        }
        return built;
    }

    private Pipeline<?, ?> build(PipelineDefinition<?, ?> definition) {
        String name = definition.name();
        PipelineSettings settings = PipelineSettings.of(name, properties, springKafkaBootstrap);
        Pipeline.Builder<?, ?> builder = definition.newBuilder();
        builder.config(settings.values());
        if (registry != null) {
            builder.meterRegistry(registry);
        }
        try {
            return builder.build();
        } catch (ConfigException e) {
            String property = settings.sourceNamedIn(e.getMessage());
            throw new FailureAnalyzedException("eos pipeline '" + name + "' has an invalid setting"
                    + (property == null ? "" : " (from " + property + ")") + ": " + e.getMessage(),
                    property == null ? "Correct the setting (docs/configuration.md lists them)."
                            : "Correct " + property + " (docs/configuration.md lists the settings).", e);
        }
    }
}
