package dev.eos.testkit;

import java.lang.reflect.AnnotatedElement;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link WithKafkaCluster}: starts the cluster before the test class and
 * resolves parameters of type {@link KafkaCluster}. Clusters are stored in the JUnit extension store, which
 * closes them when their scope (the run, or the class) ends.
 */
public final class KafkaClusterExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaClusterExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return cluster(extensionContext);
    }

    private static KafkaCluster cluster(ExtensionContext context) {
        WithKafkaCluster config = context.getTestClass()
                .map(c -> findAnnotation(c))
                .orElse(null);
        int nodes = config == null ? 1 : config.nodes();
        boolean shared = config == null || config.shared();
        ExtensionContext scope = shared ? context.getRoot() : classContext(context);
        String key = "cluster-" + nodes + (shared ? "-shared" : "-" + scope.getUniqueId());
        return scope.getStore(NS).getOrComputeIfAbsent(key, k -> KafkaCluster.create(nodes), KafkaCluster.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    private static WithKafkaCluster findAnnotation(AnnotatedElement element) {
        WithKafkaCluster a = element.getAnnotation(WithKafkaCluster.class);
        if (a == null && element instanceof Class<?> && ((Class<?>) element).getEnclosingClass() != null) {
            return findAnnotation(((Class<?>) element).getEnclosingClass());
        }
        return a;
    }
}
