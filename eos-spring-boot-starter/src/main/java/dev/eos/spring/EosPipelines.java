package dev.eos.spring;

import dev.eos.Pipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.boot.diagnostics.FailureAnalyzedException;

/**
 * The application's eos pipelines, by name, started once the application context is refreshed and closed when it
 * shuts down. Its phase ({@link #PHASE}) is late among lifecycle beans, so the pipelines start after, and stop
 * before, the beans they use (a web server, a data source's pool); the pipelines close in parallel, each committing
 * what it has processed within {@code eos.shutdown-timeout}.
 *
 * <p>Inject it to reach a pipeline, for example to read {@link Pipeline#health()}.
 */
public final class EosPipelines implements SmartLifecycle {

    /** The lifecycle phase: late, like Spring for Apache Kafka's listener containers. */
    public static final int PHASE = Integer.MAX_VALUE - 100;

    private static final Logger log = LoggerFactory.getLogger(EosPipelines.class);

    private final Map<String, Pipeline<?, ?>> pipelines;
    private final Duration shutdownTimeout;
    private final boolean autoStartup;
    private volatile boolean running;

    /**
     * Pipelines built by the application itself, for a bean of its own that replaces the starter's.
     *
     * @param pipelines the pipelines by name, not started
     * @param shutdownTimeout how long the shutdown waits for each pipeline to close
     * @param autoStartup whether they start with the application context
     */
    public EosPipelines(Map<String, Pipeline<?, ?>> pipelines, Duration shutdownTimeout, boolean autoStartup) {
        this.pipelines = Collections.unmodifiableMap(new LinkedHashMap<>(pipelines));
        this.shutdownTimeout = shutdownTimeout;
        this.autoStartup = autoStartup;
    }

    /**
     * The pipeline of this name.
     *
     * @throws IllegalArgumentException if the application has no pipeline of this name (the message lists them)
     */
    public Pipeline<?, ?> get(String name) {
        Pipeline<?, ?> p = pipelines.get(name);
        if (p == null) {
            throw new IllegalArgumentException("No eos pipeline named '" + name + "'; the application has "
                    + pipelines.keySet());
        }
        return p;
    }

    /** Every pipeline of the application, by name, in the order their definitions were found. */
    public Map<String, Pipeline<?, ?>> all() {
        return pipelines;
    }

    /**
     * Starts every pipeline. If one cannot start (a topic is missing, the cluster is unreachable), the ones already
     * started are closed and the exception, naming the pipeline, fails the application's startup.
     */
    @Override
    public void start() {
        List<String> started = new ArrayList<>();
        for (Map.Entry<String, Pipeline<?, ?>> e : pipelines.entrySet()) {
            try {
                e.getValue().start();
                started.add(e.getKey());
            } catch (RuntimeException ex) {
                closeAll(started);
                throw new FailureAnalyzedException("eos pipeline '" + e.getKey() + "' did not start: "
                        + ex.getMessage(), "Create the topic it names, or check eos.bootstrap-servers and the "
                        + "Kafka client settings (eos.kafka.*) if the cluster cannot be reached.", ex);
            }
        }
        running = true;
        if (!pipelines.isEmpty()) {
            log.info("started eos pipelines {}", pipelines.keySet());
        }
    }

    @Override
    public void stop() {
        closeAll(new ArrayList<>(pipelines.keySet()));
        running = false;
    }

    @Override
    public void stop(Runnable callback) {
        Thread t = new Thread(() -> {
            try {
                stop();
            } finally {
                callback.run();
            }
        }, "eos-shutdown");
        t.start();
    }

    /** Closes these pipelines in parallel, each within the shutdown timeout. */
    private void closeAll(List<String> names) {
        List<Thread> closing = new ArrayList<>();
        for (String name : names) {
            Pipeline<?, ?> p = pipelines.get(name);
            Thread t = new Thread(() -> {
                if (!p.close(shutdownTimeout)) {
                    log.warn("eos pipeline '{}' did not stop within eos.shutdown-timeout ({}); the broker aborts its "
                            + "open transaction after transaction.timeout.ms and its records are processed again",
                            name, shutdownTimeout);
                }
            }, "eos-close-" + name);
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
