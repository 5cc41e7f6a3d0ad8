package dev.eos.spring;

import dev.eos.Pipeline;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;

/**
 * One pipeline of a Spring Boot application, declared as a bean: its name, the serdes of its input and what the
 * application gives in code (topics, stores, the processor, any setting). The starter creates the
 * {@link Pipeline.Builder}, hands it to the customizer, then applies the {@code eos.*} properties (bootstrap
 * servers, the application id, which defaults to the name, and the settings of {@code eos.config} and
 * {@code eos.pipelines.<name>.config}, which win over settings made in code), the application's
 * {@code MeterRegistry}, builds the pipeline and starts it once the context is refreshed.
 *
 * <pre>{@code
 * @Bean
 * PipelineDefinition<String, String> uppercase() {
 *     OutputTopic<String, String> out = OutputTopic.of("upper", Serdes.String(), Serdes.String());
 *     return PipelineDefinition.of("uppercase", Serdes.String(), Serdes.String(), builder -> builder
 *             .inputTopics("words")
 *             .outputTopic(out)
 *             .processor((record, context) -> context.emit(out, record.key(), record.value().toUpperCase())));
 * }
 * }</pre>
 *
 * @param <K> input key type
 * @param <V> input value type
 */
public final class PipelineDefinition<K, V> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final String name;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final Consumer<Pipeline.Builder<K, V>> customizer;

    private PipelineDefinition(String name, Serde<K> keySerde, Serde<V> valueSerde,
            Consumer<Pipeline.Builder<K, V>> customizer) {
        this.name = name;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.customizer = customizer;
    }

    /**
     * A pipeline named {@code name} whose input is read with these serdes.
     *
     * @param name the pipeline's name: the key of its {@code eos.pipelines.<name>.*} properties, of its health
     *     contributor and the default application id; letters, digits, '.', '_' and '-'
     * @param keySerde serde of the input keys
     * @param valueSerde serde of the input values
     * @param customizer gives the builder its topics, stores, processor and any setting in code
     * @param <K> input key type
     * @param <V> input value type
     * @return the definition, to return from a {@code @Bean} method
     * @throws IllegalArgumentException if the name is empty or has other characters
     */
    public static <K, V> PipelineDefinition<K, V> of(String name, Serde<K> keySerde, Serde<V> valueSerde,
            Consumer<Pipeline.Builder<K, V>> customizer) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Pipeline name '" + name
                    + "' must be letters, digits, '.', '_' and '-' only (it is the default application id)");
        }
        return new PipelineDefinition<>(name, Objects.requireNonNull(keySerde, "keySerde"),
                Objects.requireNonNull(valueSerde, "valueSerde"), Objects.requireNonNull(customizer, "customizer"));
    }

    /** The pipeline's name. */
    public String name() {
        return name;
    }

    /** A new builder with the serdes, given to the customizer. */
    Pipeline.Builder<K, V> newBuilder() {
        Pipeline.Builder<K, V> builder = Pipeline.builder(keySerde, valueSerde);
        customizer.accept(builder);
        return builder;
    }
}
