package dev.eos.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalyzedException;

class KafkaClientsVersionTest {

    @Test
    void shouldRefuseTheKafkaClientsThatSpringBootManagesNamingTheVersionAndTheOverride() {
        assertThatThrownBy(() -> KafkaClientsVersion.check("4.2.2"))
                .isInstanceOf(FailureAnalyzedException.class)
                .hasMessageContaining("kafka-clients 4.2.2 is on the classpath")
                .satisfies(e -> assertThat(((FailureAnalyzedException) e).analysis().getAction())
                        .contains("<kafka.version>4.4.0</kafka.version>"));
        assertThatThrownBy(() -> KafkaClientsVersion.check("3.9.1")).hasMessageContaining("3.9.1");
    }

    @Test
    void shouldAcceptTheRequiredVersionAndNewerOnesAndAnUnstatedOne() {
        assertThatCode(() -> KafkaClientsVersion.check("4.4.0")).doesNotThrowAnyException();
        assertThatCode(() -> KafkaClientsVersion.check("4.4.1-SNAPSHOT")).doesNotThrowAnyException();
        assertThatCode(() -> KafkaClientsVersion.check("4.10.0")).doesNotThrowAnyException();
        assertThatCode(() -> KafkaClientsVersion.check("5.0.0")).doesNotThrowAnyException();
        assertThatCode(() -> KafkaClientsVersion.check(null)).doesNotThrowAnyException();
    }

    @Test
    void shouldRequireTheKafkaClientsThatEosIsBuiltWith() {
        String built = KafkaClientsVersion.onClasspath();
        assertThat(built).startsWith(KafkaClientsVersion.REQUIRED + ".");
        assertThatCode(KafkaClientsVersion::check).doesNotThrowAnyException();
    }
}
