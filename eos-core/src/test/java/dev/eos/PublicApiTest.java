package dev.eos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Keeps the public surface of {@code dev.eos} from growing by accident: the public types are listed here, every
 * public or protected member is listed in {@code src/test/resources/public-api.txt}, and no public signature
 * names a type of {@code dev.eos.internals}.
 */
class PublicApiTest {

    private static final Set<String> PUBLIC_TYPES = Set.of(
            "EosConfig", "InputRecord", "OutputRecord", "OutputTopic", "Pipeline", "Pipeline$Builder",
            "Pipeline$FatalErrorHandler", "Pipeline$State", "Pipeline$StateListener", "ProcessingException",
            "Processor", "ProcessorContext", "Ordering", "PipelineHealth", "Provenance", "FailureAction", "NonRetryableException", "DeadLetter",
            "StoreDefinition", "KeyValueStore", "KeyValueIterator", "KeyValue", "AsyncProcessor",
            "TransactionalSink", "TransactionalSink$Record", "SinkFencedException");

    private static List<Class<?>> publicTypes() throws URISyntaxException, ClassNotFoundException {
        File dir = new File(Pipeline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        File pkg = new File(dir, "dev/eos");
        List<Class<?>> found = new ArrayList<>();
        for (String name : pkg.list()) {
            if (!name.endsWith(".class")) {
                continue;
            }
            Class<?> c = Class.forName("dev.eos." + name.substring(0, name.length() - ".class".length()));
            if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass()
                    && (c.getEnclosingClass() == null || Modifier.isPublic(c.getEnclosingClass().getModifiers()))) {
                found.add(c);
            }
        }
        return found;
    }

    private static boolean visible(Member m) {
        return (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) && !m.isSynthetic();
    }

    /** One line per public or protected member of every public type, sorted. */
    private static Set<String> surface() throws Exception {
        Set<String> lines = new TreeSet<>();
        for (Class<?> c : publicTypes()) {
            String type = c.getName();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k)) {
                    lines.add(type + " " + k.toGenericString());
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m) && !m.isBridge()) {
                    lines.add(type + " " + m.toGenericString());
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f)) {
                    lines.add(type + " " + f.toGenericString());
                }
            }
        }
        return lines;
    }

    @Test
    void shouldExposeOnlyTheDocumentedPublicTypes() throws Exception {
        Set<String> found = new TreeSet<>();
        for (Class<?> c : publicTypes()) {
            found.add(c.getName().substring("dev.eos.".length()));
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(PUBLIC_TYPES);
    }

    @Test
    void shouldKeepInternalTypesOutOfPublicSignatures() throws Exception {
        assertThat(surface()).as("public signatures naming dev.eos.internals")
                .noneMatch(line -> line.substring(line.indexOf(' ')).contains("dev.eos.internals"));
    }

    @Test
    void shouldMatchTheRecordedPublicSurface() throws Exception {
        Path recorded = Path.of("src", "test", "resources", "public-api.txt");
        String actual = String.join("\n", surface()) + "\n";
        if (Boolean.getBoolean("eos.updatePublicApi")) {
            Files.writeString(recorded, actual, StandardCharsets.UTF_8);
        }
        assertThat(recorded).exists();
        assertThat(Files.readString(recorded, StandardCharsets.UTF_8))
                .as("the public API changed: review the change, then record it with "
                        + "./mvnw -pl eos-core test -Dtest=PublicApiTest -Deos.updatePublicApi=true")
                .isEqualTo(actual);
    }
}
