package dev.eos.spring;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Puts the {@code eos} health contributor in the readiness group, as a default of the lowest precedence: an
 * application that sets {@code management.endpoint.health.group.readiness.include} itself decides alone. Only
 * where Spring Boot has the availability probes (the actuator is present and
 * {@code management.endpoint.health.probes.enabled} is not false), since the group also names Boot's
 * {@code readinessState} indicator, which exists only then. An instance
 * is then not ready while a pipeline starts or restores its stores; its liveness turns DOWN only when a pipeline
 * fails ({@link PipelineFailureReaction}), so Kubernetes never restarts an instance in the middle of a restore.
 */
public class EosHealthGroupDefaults implements EnvironmentPostProcessor {

    static final String READINESS_INCLUDE = "management.endpoint.health.group.readiness.include";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        ClassLoader loader = getClass().getClassLoader();
        if (!ClassUtils.isPresent("org.springframework.boot.health.contributor.HealthIndicator", loader)
                || !ClassUtils.isPresent("org.springframework.boot.actuate.endpoint.annotation.Endpoint", loader)
                || "false".equalsIgnoreCase(environment.getProperty("management.endpoint.health.probes.enabled"))
                || "false".equalsIgnoreCase(environment.getProperty("eos.enabled"))) {
            return;
        }
        environment.getPropertySources().addLast(new MapPropertySource("eosHealthGroupDefaults",
                Map.of(READINESS_INCLUDE, "readinessState,eos")));
    }
}
