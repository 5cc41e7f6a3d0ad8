package dev.eos.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The getting-started guide shows the quick-start project's files whole, in English and in Chinese, with the same
 * code blocks in steps 0 to 4; and the project names the eos version this build makes.
 */
class GuideTest {

    private static final Path ROOT = Path.of("..");
    private static final List<String> FILES = List.of("pom.xml", "src/main/resources/simplelogger.properties",
            "src/main/java/com/example/Uppercase.java", "src/test/java/com/example/UppercaseIT.java");

    /** The code blocks of steps 0 to 4 (the quick-start project; later steps translate their code comments). */
    private static List<String> codeBlocks(Path guide) throws IOException {
        String text = Files.readString(guide);
        text = text.substring(0, text.indexOf("\n## 5."));
        Matcher m = Pattern.compile("(?ms)^```[a-z]*\\n(.*?)^```$").matcher(text);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void shouldShowEveryFileOfTheQuickStartProjectWholeInBothLanguages() throws IOException {
        List<String> english = codeBlocks(ROOT.resolve("docs/getting-started.md"));
        List<String> chinese = codeBlocks(ROOT.resolve("docs/zh/getting-started.md"));
        for (String file : FILES) {
            String content = Files.readString(ROOT.resolve("quickstart").resolve(file));
            assertThat(english).as("docs/getting-started.md shows quickstart/" + file).contains(content);
        }
        assertThat(english).hasSizeGreaterThan(FILES.size());
        assertThat(chinese).as("the Chinese guide has the English guide's code blocks").isEqualTo(english);
    }

    @Test
    void shouldNameTheVersionOfEosThisBuildMakes() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>eos-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(parent);
        assertThat(version.find()).isTrue();
        String quickstart = Files.readString(ROOT.resolve("quickstart/pom.xml"));
        assertThat(quickstart).contains("<eos.version>" + version.group(1) + "</eos.version>")
                .doesNotContain("<parent>");
        for (String guide : List.of("docs/getting-started.md", "docs/zh/getting-started.md")) {
            assertThat(Files.readString(ROOT.resolve(guide))).contains("-pl eos-core,eos-testkit -am");
        }
    }
}
