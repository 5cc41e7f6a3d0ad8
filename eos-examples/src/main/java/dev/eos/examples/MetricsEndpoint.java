package dev.eos.examples;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A Prometheus registry served as text at {@code http://HOST:PORT/metrics} by the JDK's built-in HTTP server:
 * give {@link #registry()} to {@code Pipeline.Builder.meterRegistry} and scrape the port.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpServer server;

    private MetricsEndpoint(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /**
     * Serves the registry on {@code port} (0: any free port).
     *
     * @throws UncheckedIOException if the port cannot be bound (the message names it)
     */
    public static MetricsEndpoint start(int port) {
        try {
            return new MetricsEndpoint(port);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve metrics on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** The registry to give the pipeline. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The port the endpoint listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        registry.close();
    }
}
