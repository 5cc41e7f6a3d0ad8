package dev.eos.spring;

import dev.eos.Pipeline;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.boot.diagnostics.FailureAnalyzedException;

/**
 * Runs the application's {@link PipelineDefinition} beans as eos pipelines ({@link EosPipelines}), configured by
 * the {@code eos.*} properties, with the application's {@code MeterRegistry}, and, when Spring Boot's health support
 * is present, an {@code eos} health contributor with one indicator per pipeline. Every bean backs off when the
 * application defines its own; nothing runs with {@code eos.enabled=false}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
@ConditionalOnClass(Pipeline.class)
@ConditionalOnBooleanProperty(name = "eos.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EosProperties.class)
public class EosAutoConfiguration {

    /** The property that bounds each phase of the application's shutdown, and its default. */
    static final String SHUTDOWN_PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";
    private static final Duration DEFAULT_SHUTDOWN_PHASE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The application's pipelines, built (every setting checked) when the context is created and started once it
     * is refreshed.
     *
     * @throws FailureAnalyzedException if kafka-clients is older than eos needs, eos.shutdown-timeout does not fit in
     *     a shutdown phase, or a pipeline cannot be built (the message names the pipeline and the property)
     */
    @Bean
    @ConditionalOnMissingBean
    public EosPipelines eosPipelines(EosProperties properties, ObjectProvider<PipelineDefinition<?, ?>> definitions,
            ObjectProvider<MeterRegistry> registry, Environment environment,
            ConfigurableApplicationContext context) {
        KafkaClientsVersion.check();
        Binder binder = Binder.get(environment);
        Duration phase = binder.bind(SHUTDOWN_PHASE_TIMEOUT, Duration.class).orElse(DEFAULT_SHUTDOWN_PHASE_TIMEOUT);
        if (properties.getShutdownTimeout().compareTo(phase) >= 0) {
            throw new FailureAnalyzedException("eos.shutdown-timeout (" + properties.getShutdownTimeout()
                    + ") must be shorter than " + SHUTDOWN_PHASE_TIMEOUT + " (" + phase + "), or Spring Boot moves on "
                    + "while the pipelines are still committing", "Lower eos.shutdown-timeout or raise "
                    + SHUTDOWN_PHASE_TIMEOUT + ".");
        }
        List<String> springKafka = binder.bind("spring.kafka.bootstrap-servers", Bindable.listOf(String.class))
                .orElse(null);
        List<PipelineDefinition<?, ?>> defs = definitions.orderedStream().collect(Collectors.toList());
        Map<String, Pipeline<?, ?>> pipelines =
                new PipelineFactory(properties, springKafka, registry.getIfUnique()).buildAll(defs);
        pipelines.forEach((name, p) ->
                p.addStateListener(new PipelineFailureReaction(name, context, properties.isExitOnFailure())));
        return new EosPipelines(pipelines, properties.getShutdownTimeout(), properties.isAutoStartup());
    }

    /** The {@code eos} health contributor, when Spring Boot's health support is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class EosHealthConfiguration {

        /**
         * One indicator per pipeline, {@code /actuator/health/eos/<name>}; in the readiness group by default
         * ({@link EosHealthGroupDefaults}).
         */
        @Bean
        @ConditionalOnMissingBean(name = "eosHealthContributor")
        HealthContributor eosHealthContributor(EosPipelines pipelines) {
            if (pipelines.all().isEmpty()) {
                return (HealthIndicator) () -> org.springframework.boot.health.contributor.Health.up()
                        .withDetail("pipelines", "none").build();
            }
            return CompositeHealthContributor.fromMap(pipelines.all(),
                    (Function<Pipeline<?, ?>, HealthContributor>) PipelineHealthIndicator::new);
        }
    }
}
