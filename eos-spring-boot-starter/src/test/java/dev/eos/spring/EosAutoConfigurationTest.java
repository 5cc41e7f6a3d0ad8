package dev.eos.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzedException;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration's conditions, properties and startup checks, without a broker: the pipelines are built but
 * not started ({@code eos.auto-startup=false}); starting them against a real cluster is the sample application's
 * integration test.
 */
class EosAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EosAutoConfiguration.class))
            .withPropertyValues("eos.auto-startup=false", "eos.bootstrap-servers=localhost:9092");

    @Configuration(proxyBeanMethods = false)
    static class TwoPipelines {
        static final OutputTopic<String, String> OUT = OutputTopic.of("upper", Serdes.String(), Serdes.String());

        @Bean
        PipelineDefinition<String, String> upper() {
            return PipelineDefinition.of("upper", Serdes.String(), Serdes.String(), b -> b
                    .inputTopics("words").outputTopic(OUT).config("retry.max.attempts", 7)
                    .processor((r, c) -> c.emit(OUT, r.key(), r.value().toUpperCase())));
        }

        @Bean
        PipelineDefinition<String, String> lower() {
            return PipelineDefinition.of("lower", Serdes.String(), Serdes.String(), b -> b
                    .inputTopics("words").outputTopic(OUT)
                    .processor((r, c) -> c.emit(OUT, r.key(), r.value().toLowerCase())));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnPipelines {
        @Bean
        EosPipelines myPipelines() {
            return new EosPipelines(Map.of(), java.time.Duration.ofSeconds(1), false);
        }
    }

    @Test
    void shouldBuildOnePipelinePerDefinitionWithTheApplicationIdFromPropertiesOrTheName() {
        runner.withUserConfiguration(TwoPipelines.class)
                .withPropertyValues("eos.pipelines.upper.application-id=shouting")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    EosPipelines pipelines = context.getBean(EosPipelines.class);
                    assertThat(pipelines.all()).containsOnlyKeys("upper", "lower");
                    assertThat(pipelines.get("upper").applicationId()).isEqualTo("shouting");
                    assertThat(pipelines.get("lower").applicationId()).isEqualTo("lower");
                    assertThat(pipelines.get("upper").state()).isEqualTo(Pipeline.State.CREATED);
                    assertThat(pipelines.isAutoStartup()).isFalse();
                });
    }

    @Test
    void shouldNotRunWhenDisabled() {
        runner.withUserConfiguration(TwoPipelines.class).withPropertyValues("eos.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EosPipelines.class)
                        .doesNotHaveBean("eosHealthContributor"));
    }

    @Test
    void shouldBackOffForTheApplicationsOwnBean() {
        runner.withUserConfiguration(TwoPipelines.class, OwnPipelines.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(EosPipelines.class);
                    assertThat(context.getBean(EosPipelines.class).all()).isEmpty();
                });
    }

    @Test
    void shouldTakeTheBrokersFromSpringKafkaWhenEosNamesNone() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EosAutoConfiguration.class))
                .withUserConfiguration(TwoPipelines.class)
                .withPropertyValues("eos.auto-startup=false", "spring.kafka.bootstrap-servers=a:1,b:2")
                .run(context -> assertThat(context).hasNotFailed());
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EosAutoConfiguration.class))
                .withUserConfiguration(TwoPipelines.class)
                .withPropertyValues("eos.auto-startup=false")
                .run(context -> assertStartupFailure(context, "eos pipeline 'upper' has no Kafka brokers",
                        "Set eos.bootstrap-servers"));
    }

    @Test
    void shouldFailStartupNamingTheWrongProperty() {
        runner.withUserConfiguration(TwoPipelines.class)
                .withPropertyValues("eos.pipelines.lower.config.retry.max.attempts=many")
                .run(context -> assertStartupFailure(context, "eos pipeline 'lower'",
                        "eos.pipelines.lower.config.retry.max.attempts", "many",
                        "Correct eos.pipelines.lower.config.retry.max.attempts"));
        runner.withUserConfiguration(TwoPipelines.class)
                .withPropertyValues("eos.config.consumer.max.pol.records=5")
                .run(context -> assertStartupFailure(context, "eos.config.consumer.max.pol.records",
                        "did you mean 'consumer.max.poll.records'"));
        runner.withUserConfiguration(TwoPipelines.class)
                .withPropertyValues("eos.kafka.security.protocol=TLS")
                .run(context -> assertStartupFailure(context, "eos.kafka.security.protocol"));
    }

    @Test
    void shouldRefuseSettingsForAPipelineTheApplicationDoesNotDefine() {
        runner.withUserConfiguration(TwoPipelines.class)
                .withPropertyValues("eos.pipelines.uper.application-id=x")
                .run(context -> assertStartupFailure(context, "eos.pipelines names [uper]", "[upper, lower]"));
    }

    @Test
    void shouldLetPropertiesWinOverSettingsInCodeAndApplyKafkaSettingsToEveryClient() {
        PipelineSettings settings = PipelineSettings.of("upper", properties(Map.of("retry.max.attempts", "3"),
                Map.of("security.protocol", "SSL")), null);
        assertThat(settings.values()).containsEntry("retry.max.attempts", "3")
                .containsEntry("consumer.security.protocol", "SSL")
                .containsEntry("producer.security.protocol", "SSL")
                .containsEntry("admin.security.protocol", "SSL")
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("application.id", "upper");
        assertThat(settings.source("producer.security.protocol")).isEqualTo("eos.kafka.security.protocol");
        runner.withUserConfiguration(TwoPipelines.class)
                .withPropertyValues("eos.pipelines.upper.config.retry.max.attempts=0")
                .run(context -> assertStartupFailure(context, "eos.pipelines.upper.config.retry.max.attempts"));
    }

    @Test
    void shouldRefuseAShutdownTimeoutThatDoesNotFitInAShutdownPhase() {
        runner.withUserConfiguration(TwoPipelines.class)
                .withPropertyValues("eos.shutdown-timeout=45s")
                .run(context -> assertStartupFailure(context, "eos.shutdown-timeout (PT45S)",
                        "spring.lifecycle.timeout-per-shutdown-phase (PT30S)"));
        runner.withUserConfiguration(TwoPipelines.class)
                .withPropertyValues("eos.shutdown-timeout=45s", "spring.lifecycle.timeout-per-shutdown-phase=1m")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void shouldShowEachPipelinesHealthAndNotReadyBeforeItRuns() {
        runner.withUserConfiguration(TwoPipelines.class).run(context -> {
            HealthContributor eos = context.getBean("eosHealthContributor", HealthContributor.class);
            assertThat(eos).isInstanceOf(CompositeHealthContributor.class);
            HealthContributor upper = ((CompositeHealthContributor) eos).getContributor("upper");
            Health health = ((HealthIndicator) upper).health();
            assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(health.getDetails()).containsEntry("state", "CREATED").containsEntry("recordsInFlight", 0L);
            assertThat(((CompositeHealthContributor) eos).getContributor("lower")).isNotNull();
        });
    }

    @Test
    void shouldLeaveHealthOutWithoutSpringBootsHealthSupport() {
        runner.withUserConfiguration(TwoPipelines.class)
                .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(EosPipelines.class)
                        .doesNotHaveBean("eosHealthContributor"));
    }

    /**
     * The startup failed with the analysis Spring Boot prints (APPLICATION FAILED TO START, Description, Action), and
     * the two say each of {@code fragments}.
     */
    private static void assertStartupFailure(AssertableApplicationContext context, String... fragments) {
        assertThat(context).hasFailed();
        Throwable t = context.getStartupFailure();
        while (t != null && !(t instanceof FailureAnalyzedException)) {
            t = t.getCause();
        }
        assertThat(t).as("an analysed failure in %s", context.getStartupFailure()).isNotNull();
        FailureAnalysis analysis = ((FailureAnalyzedException) t).analysis();
        assertThat(analysis.getDescription() + "\n" + analysis.getAction()).contains(fragments);
    }

    private static EosProperties properties(Map<String, String> config, Map<String, String> kafka) {
        EosProperties p = new EosProperties();
        p.setBootstrapServers(java.util.List.of("localhost:9092"));
        p.setConfig(new java.util.LinkedHashMap<>(config));
        p.setKafka(new java.util.LinkedHashMap<>(kafka));
        return p;
    }
}
