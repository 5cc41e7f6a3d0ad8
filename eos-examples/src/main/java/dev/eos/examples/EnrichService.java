package dev.eos.examples;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The slow, unreliable service the {@code enrich} example calls: {@code GET /users/<id>} answers the user's profile
 * ({@link #profile}) after a latency, or 503 for a share of the calls. The JDK's HTTP server on a free local port,
 * on daemon threads.
 */
public final class EnrichService implements AutoCloseable {

    private final HttpServer server;

    private EnrichService(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts the service.
     *
     * @param latencyMs how long each call takes, on average (uniform in [latency/2, 3*latency/2])
     * @param errorRate the share of calls answered with 503
     */
    public static EnrichService start(int latencyMs, double errorRate) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "enrich-service");
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/users/", exchange -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try {
                    if (latencyMs > 0) {
                        Thread.sleep(latencyMs / 2 + random.nextInt(latencyMs + 1));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                String id = exchange.getRequestURI().getPath().substring("/users/".length());
                boolean fail = random.nextDouble() < errorRate;
                byte[] body = (fail ? "unavailable" : profile(id)).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return new EnrichService(server);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the enrich service", e);
        }
    }

    /** The profile of user {@code id}: the same every time. */
    public static String profile(String id) {
        String[] tiers = {"bronze", "silver", "gold"};
        int h = id.hashCode();
        return "tier=" + tiers[Math.floorMod(h, tiers.length)] + ",region=r" + Math.floorMod(h >> 3, 5);
    }

    /** The base URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
