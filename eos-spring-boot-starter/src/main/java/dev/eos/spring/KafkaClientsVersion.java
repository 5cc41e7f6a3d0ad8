package dev.eos.spring;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.springframework.boot.diagnostics.FailureAnalyzedException;

/**
 * The kafka-clients version on the classpath, checked at startup: Spring Boot's dependency management picks
 * kafka-clients for the application, and the version it manages can be older than the one eos is built and tested
 * with. An older client fails later and obscurely (a missing method, a setting it does not know), so the starter
 * refuses to start with the version named and the override to set.
 */
final class KafkaClientsVersion {

    /** The oldest kafka-clients release (major.minor) that eos runs on: the one it is built and tested with. */
    static final String REQUIRED = "4.4";

    private KafkaClientsVersion() {
    }

    /** Checks the kafka-clients on the classpath. */
    static void check() {
        check(onClasspath());
    }

    /** The version kafka-clients' jar states (kafka/kafka-version.properties); null if it states none. */
    static String onClasspath() {
        try (InputStream in = KafkaConsumer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Checks a kafka-clients version string.
     *
     * @throws FailureAnalyzedException naming the version found and the override, if it is older than {@link #REQUIRED}
     */
    static void check(String found) {
        if (found == null || found.isEmpty() || !Character.isDigit(found.charAt(0))) {
            return; // a repackaged client without its version file: nothing to go by
        }
        if (compare(found, REQUIRED) < 0) {
            throw new FailureAnalyzedException("eos needs kafka-clients " + REQUIRED + ".0 or newer, but kafka-clients "
                    + found + " is on the classpath. Spring Boot's dependency management chose it.",
                    "Set the property <kafka.version>" + REQUIRED + ".0</kafka.version> in the pom that has "
                    + "spring-boot-starter-parent as parent, or declare org.apache.kafka:kafka-clients:" + REQUIRED
                    + ".0 in your "
                    + "dependencyManagement before Spring Boot's BOM (docs/spring-boot.md).");
        }
    }

    /** Compares the leading numeric parts of two versions ("4.1.2", "4.4.0-SNAPSHOT"); unknown parts count as 0. */
    static int compare(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(number(x, i), number(y, i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int number(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[i]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
