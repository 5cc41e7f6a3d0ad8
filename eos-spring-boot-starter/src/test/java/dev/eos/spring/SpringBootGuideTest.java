package dev.eos.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/spring-boot.md shows the sample application's files whole, documents every property of the starter, and the
 * sample names the versions this build makes and uses.
 */
class SpringBootGuideTest {

    private static final Path ROOT = Path.of("..");
    private static final Path SAMPLE = ROOT.resolve("eos-spring-boot-sample");

    private static String guide() throws IOException {
        return Files.readString(ROOT.resolve("docs/spring-boot.md"));
    }

    private static List<String> codeBlocks(String text) {
        Matcher m = Pattern.compile("(?ms)^```[a-z]*\\n(.*?)^```$").matcher(text);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertThat(m.find()).as("<%s> in the pom", name).isTrue();
        return m.group(1);
    }

    @Test
    void shouldShowTheSampleApplicationsFilesWhole() throws IOException {
        List<String> blocks = codeBlocks(guide());
        for (String file : List.of("src/main/resources/application.yml",
                "src/main/java/com/example/wordcount/WordCountPipelines.java")) {
            assertThat(blocks).as("docs/spring-boot.md shows eos-spring-boot-sample/" + file)
                    .contains(Files.readString(SAMPLE.resolve(file)));
        }
    }

    @Test
    void shouldDocumentEveryPropertyOfTheStarter() throws IOException {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the configuration processor's metadata").isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String properties = metadata.substring(metadata.indexOf("\"properties\""));
        Matcher names = Pattern.compile("\"name\": \"(eos\\.[^\"]+)\"").matcher(properties);
        List<String> documented = new ArrayList<>();
        String guide = guide();
        while (names.find()) {
            String name = names.group(1);
            documented.add(name);
            assertThat(guide).as("the properties table of docs/spring-boot.md names " + name)
                    .containsAnyOf("| `" + name + "` |", "| `" + name + ".*` |", "| `" + name + ".<name>.");
        }
        assertThat(documented).contains("eos.bootstrap-servers", "eos.shutdown-timeout", "eos.pipelines");
    }

    @Test
    void shouldNameTheVersionsThisBuildMakesAndUses() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String starter = Files.readString(ROOT.resolve("eos-spring-boot-starter/pom.xml"));
        String sample = Files.readString(SAMPLE.resolve("pom.xml"));
        Matcher eos = Pattern.compile("<artifactId>eos-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(parent);
        assertThat(eos.find()).isTrue();
        assertThat(property(sample, "eos.version")).isEqualTo(eos.group(1));
        assertThat(property(sample, "kafka.version")).isEqualTo(property(parent, "kafka.version"));
        assertThat(sample).contains("<artifactId>spring-boot-starter-parent</artifactId>\n    <version>"
                + property(starter, "spring-boot.version") + "</version>");
        String guide = guide();
        assertThat(guide).contains("<kafka.version>" + property(parent, "kafka.version") + "</kafka.version>")
                .contains("Spring Boot " + property(starter, "spring-boot.version"));
    }
}
