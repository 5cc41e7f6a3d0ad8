package dev.eos.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.OutputTopic;
import dev.eos.testkit.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application whose kafka-clients is the one Spring Boot 4.1.2 manages (4.2.2), as it is when the pom lacks the
 * {@code kafka.version} override: its startup fails, naming the version found and the override, before anything
 * uses the client.
 */
class OldKafkaClientsIT {

    /** The application, run in a child JVM with the old client on its class path. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(EosAutoConfiguration.class)
    public static class App {

        @Bean
        PipelineDefinition<String, String> upper() {
            OutputTopic<String, String> out = OutputTopic.of("upper", Serdes.String(), Serdes.String());
            return PipelineDefinition.of("upper", Serdes.String(), Serdes.String(), b -> b
                    .inputTopics("words").outputTopic(out)
                    .processor((r, c) -> c.emit(out, r.key(), r.value().toUpperCase())));
        }

        public static void main(String[] args) {
            SpringApplication.run(App.class, args);
        }
    }

    @Test
    void shouldFailTheStartupNamingTheOldVersionAndTheOverride() throws IOException {
        Path old;
        try (Stream<Path> jars = Files.list(Path.of("target", "old-kafka-clients"))) {
            old = jars.filter(p -> p.getFileName().toString().startsWith("kafka-clients-4.2.2")).findFirst()
                    .orElseThrow();
        }
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        assertThat(entries).anyMatch(e -> e.endsWith("kafka-clients-4.4.0.jar"));
        String classPath = entries.stream().map(e -> e.endsWith("kafka-clients-4.4.0.jar") ? old.toString() : e)
                .collect(Collectors.joining(File.pathSeparator));
        ChildJvm app = ChildJvm.start("old-kafka-clients", classPath, App.class.getName(),
                List.of("--eos.bootstrap-servers=localhost:1", "--eos.auto-startup=false"), List.of("-Xmx128m"),
                Path.of("target", "it-logs"));
        try {
            OptionalInt code = app.awaitExit(60);
            assertThat(code).as("the application ends; log %s", app.logFile()).isPresent();
            assertThat(code.getAsInt()).isNotZero();
            assertThat(app.log()).contains("eos needs kafka-clients 4.4.0 or newer, but kafka-clients 4.2.2 is on "
                    + "the classpath").contains("<kafka.version>4.4.0</kafka.version>");
        } finally {
            app.kill();
        }
    }
}
