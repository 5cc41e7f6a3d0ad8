package dev.eos.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class EosHealthGroupDefaultsTest {

    @Test
    void shouldPutEosInTheReadinessGroupUnlessTheApplicationSaysOtherwise() {
        StandardEnvironment env = new StandardEnvironment();
        new EosHealthGroupDefaults().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty(EosHealthGroupDefaults.READINESS_INCLUDE)).isEqualTo("readinessState,eos");

        StandardEnvironment own = new StandardEnvironment();
        own.getPropertySources().addFirst(new MapPropertySource("application",
                Map.of(EosHealthGroupDefaults.READINESS_INCLUDE, "readinessState,db")));
        new EosHealthGroupDefaults().postProcessEnvironment(own, new SpringApplication());
        assertThat(own.getProperty(EosHealthGroupDefaults.READINESS_INCLUDE)).isEqualTo("readinessState,db");

        StandardEnvironment disabled = new StandardEnvironment();
        disabled.getPropertySources().addFirst(new MapPropertySource("application", Map.of("eos.enabled", "false")));
        new EosHealthGroupDefaults().postProcessEnvironment(disabled, new SpringApplication());
        assertThat(disabled.getProperty(EosHealthGroupDefaults.READINESS_INCLUDE)).isNull();

        StandardEnvironment noProbes = new StandardEnvironment();
        noProbes.getPropertySources().addFirst(new MapPropertySource("application",
                Map.of("management.endpoint.health.probes.enabled", "false")));
        new EosHealthGroupDefaults().postProcessEnvironment(noProbes, new SpringApplication());
        assertThat(noProbes.getProperty(EosHealthGroupDefaults.READINESS_INCLUDE))
                .as("no readinessState indicator without probes: a group naming it would fail the startup").isNull();
    }
}
