package dev.eos.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class a started {@link KafkaCluster}: declare a parameter of type
 * {@link KafkaCluster} in a test method, a lifecycle method or the constructor.
 *
 * <pre>{@code
 * @WithKafkaCluster
 * class MyIT {
 *     @Test
 *     void shouldRoundTrip(KafkaCluster kafka) { ... }
 * }
 * }</pre>
 *
 * <p>A {@linkplain #shared() shared} cluster is started once per test JVM and size, and stopped when the
 * run ends; tests that share it must use their own topics and group ids. A cluster that is not shared
 * belongs to the test class and is stopped after it, which is what tests that kill or pause nodes need.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KafkaClusterExtension.class)
public @interface WithKafkaCluster {

    /** Number of nodes: 1 or 3. */
    int nodes() default 1;

    /** Whether the cluster is shared with other test classes of the run (default: yes). */
    boolean shared() default true;
}
