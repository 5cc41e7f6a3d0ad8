package dev.eos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Keeps the public surface of {@code dev.eos} from growing by accident. */
class PublicApiTest {

    private static final Set<String> PUBLIC_TYPES = Set.of(
            "Emitter", "EosConfig", "OutputTopic", "Pipeline", "Pipeline$Builder", "Pipeline$FatalErrorHandler",
            "Pipeline$State", "Pipeline$StateListener", "ProcessingException", "Processor", "Ordering",
            "FailureAction", "NonRetryableException", "DeadLetter");

    @Test
    void shouldExposeOnlyTheDocumentedPublicTypes() throws URISyntaxException, ClassNotFoundException {
        File dir = new File(Pipeline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        File pkg = new File(dir, "dev/eos");
        Set<String> found = new TreeSet<>();
        for (String name : pkg.list()) {
            if (!name.endsWith(".class")) {
                continue;
            }
            String simple = name.substring(0, name.length() - ".class".length());
            Class<?> c = Class.forName("dev.eos." + simple);
            if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass()) {
                boolean visible = c.getEnclosingClass() == null || Modifier.isPublic(c.getEnclosingClass().getModifiers());
                if (visible) {
                    found.add(simple);
                }
            }
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(PUBLIC_TYPES);
    }
}
