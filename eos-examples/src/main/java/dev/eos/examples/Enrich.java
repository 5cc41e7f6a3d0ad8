package dev.eos.examples;

import dev.eos.NonRetryableException;
import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * I/O-bound enrichment: each order ({@code <run>-orders}, keyed by order id, value {@code <user>|<amount>}) is
 * joined with its user's profile from an HTTP service ({@link EnrichService}, started by each worker, 20 ms per
 * call and 10% of calls failing unless {@code -Deos.enrich.latency.ms} and {@code -Deos.enrich.error.rate} say
 * otherwise) with the JDK's HTTP client, on 64 worker threads. Failed calls are retried with backoff (up to 10
 * attempts); a record that still fails goes to {@code <run>-enrich-dlq}. Output: {@code <run>-enriched},
 * {@code <user>|<amount>|<profile>}.
 */
public final class Enrich implements Example {

    public static final String NAME = "enrich";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "orders joined with profiles from a slow, failing HTTP service; 64 calls at once, retries with backoff";
    }

    @Override
    public List<String> topics(String run) {
        return List.of(run + "-orders", run + "-enriched", run + "-enrich-dlq");
    }

    @Override
    public String progressTopic(String run) {
        return run + "-enriched";
    }

    @Override
    public long produce(String bootstrap, String run, int from, int to) {
        Inputs.produce(bootstrap, run + "-orders", from, to,
                i -> new String[] {"order-" + i, "user-" + (i * 7919 % 1000) + "|" + (1 + i % 500)});
        return to - from;
    }

    @Override
    public List<Pipeline<?, ?>> pipelines(String bootstrap, String run, String instance, Map<String, Object> config) {
        EnrichService service = EnrichService.start(Integer.getInteger("eos.enrich.latency.ms", 20),
                Double.parseDouble(System.getProperty("eos.enrich.error.rate", "0.1")));
        OutputTopic<String, String> enriched = OutputTopic.of(run + "-enriched", Serdes.String(), Serdes.String());
        Map<String, Object> settings = new HashMap<>(config);
        settings.putIfAbsent("concurrency", 64);
        settings.put("retry.max.attempts", 10);
        settings.put("retry.backoff.ms", 20L);
        settings.put("retry.backoff.max.ms", 1000L);
        Pipeline<String, String> pipeline = Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(bootstrap).applicationId(run).instanceId(instance)
                .inputTopics(run + "-orders").outputTopic(enriched).deadLetterTopic(run + "-enrich-dlq")
                .config(settings)
                .processor((order, context) -> {
                    String user = order.value().split("\\|")[0];
                    HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + "/users/" + user))
                            .timeout(Duration.ofSeconds(5)).build();
                    HttpResponse<String> response;
                    try {
                        response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    } catch (IllegalArgumentException e) {
                        throw new NonRetryableException("bad user id in " + order.value(), e);
                    }
                    if (response.statusCode() != 200) {
                        throw new IOException("profile service answered " + response.statusCode() + " for " + user);
                    }
                    context.emit(enriched, order.key(), order.value() + "|" + response.body());
                })
                .build();
        pipeline.addStateListener((now, before) -> {
            if (now.isTerminal()) {
                service.close();
            }
        });
        return List.of(pipeline);
    }

    @Override
    public Check check(String bootstrap, String run) {
        Map<String, String> orders = new HashMap<>();
        for (ConsumerRecord<String, String> r : Verifier.readAll(bootstrap, run + "-orders")) {
            orders.put(r.key(), r.value());
        }
        Map<String, Integer> seen = new HashMap<>();
        long wrong = 0;
        long outputs = 0;
        List<String> details = new java.util.ArrayList<>();
        for (ConsumerRecord<String, String> r : Verifier.readAll(bootstrap, run + "-enriched")) {
            outputs++;
            seen.merge(r.key(), 1, Integer::sum);
            String order = orders.get(r.key());
            String user = order == null ? null : order.split("\\|")[0];
            if (order == null || !r.value().equals(order + "|" + EnrichService.profile(user))) {
                wrong++;
                if (details.size() < 10) {
                    details.add("output " + r.key() + " = " + r.value() + " does not match its order " + order);
                }
            }
        }
        long deadLetters = Verifier.readAll(bootstrap, run + "-enrich-dlq").size();
        long duplicates = seen.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        long lost = orders.keySet().stream().filter(k -> !seen.containsKey(k)).count() - deadLetters;
        details.add(0, orders.size() + " orders, " + outputs + " enriched, " + deadLetters + " dead-lettered after "
                + "10 attempts, " + wrong + " with a wrong profile");
        boolean ok = duplicates == 0 && lost == 0 && wrong == 0;
        return new Check(ok, "exactly-once: " + (ok ? "OK" : "VIOLATED") + " input=" + orders.size() + " output="
                + outputs + " duplicates=" + duplicates + " lost=" + lost, details);
    }
}
