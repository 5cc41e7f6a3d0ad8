package dev.eos.examples;

import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A consumer that cannot keep up: each record of {@code <run>-jobs} (1,000 keys, value {@code <key>#<seq>}, the
 * key's own sequence) takes 1 to 5 seconds (a slow downstream call). One thread drains 0.3 records a second;
 * the worker pool (256 threads by default, KEY order) drains far more while each key's records stay in order.
 * Every 97th record fails every attempt: it is retried, then dead-lettered to {@code <run>-jobs-dlq}, and the
 * other workers carry on. Output {@code <run>-done}: the input value.
 */
public final class Backlog implements Example {

    public static final String NAME = "backlog";
    static final int KEYS = 1_000;
    static final int FAIL_EVERY = 97;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "1 to 5 s per record: one thread falls behind, the worker pool drains the lag in key order";
    }

    @Override
    public List<String> topics(String run) {
        return List.of(run + "-jobs", run + "-done", run + "-jobs-dlq");
    }

    @Override
    public String progressTopic(String run) {
        return run + "-done";
    }

    /** Record {@code i}: key {@code k<i mod 1000>}, value {@code k<i mod 1000>#<i / 1000>}. */
    @Override
    public long produce(String bootstrap, String run, int from, int to) {
        Inputs.produce(bootstrap, run + "-jobs", from, to, i -> new String[] {"k" + (i % KEYS), "k" + (i % KEYS)
                + "#" + (i / KEYS)});
        long failing = 0;
        for (long i = from; i < to; i++) {
            failing += fails(i) ? 1 : 0; // record i's id (seq * KEYS + key) is i
        }
        return to - from - failing;
    }

    static boolean fails(long id) {
        return id % FAIL_EVERY == FAIL_EVERY - 1;
    }

    @Override
    public List<Pipeline<?, ?>> pipelines(String bootstrap, String run, String instance, Map<String, Object> config) {
        OutputTopic<String, String> done = OutputTopic.of(run + "-done", Serdes.String(), Serdes.String());
        Map<String, Object> settings = new HashMap<>(config);
        settings.putIfAbsent("concurrency", 256);
        settings.put("retry.max.attempts", 3);
        settings.put("retry.backoff.ms", 500L);
        settings.put("processing.warn.ms", 10_000L);
        Pipeline<String, String> pipeline = Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(bootstrap).applicationId(run).instanceId(instance)
                .inputTopics(run + "-jobs").outputTopic(done).deadLetterTopic(run + "-jobs-dlq").config(settings)
                .processor((job, context) -> {
                    Thread.sleep(1_000 + ThreadLocalRandom.current().nextInt(4_001)); // the slow call
                    String[] f = job.value().split("#");
                    long id = Long.parseLong(f[1]) * KEYS + Long.parseLong(f[0].substring(1));
                    if (fails(id)) {
                        throw new IllegalStateException("downstream refused job " + job.value());
                    }
                    context.emit(done, job.key(), job.value());
                })
                .build();
        return List.of(pipeline);
    }

    @Override
    public Check check(String bootstrap, String run) {
        List<ConsumerRecord<String, String>> jobs = Verifier.readAll(bootstrap, run + "-jobs");
        Map<String, Integer> out = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        long outOfOrder = 0;
        long outputs = 0;
        for (ConsumerRecord<String, String> r : Verifier.readAll(bootstrap, run + "-done")) {
            outputs++;
            out.merge(r.value(), 1, Integer::sum);
            long seq = Long.parseLong(r.value().split("#")[1]);
            Long before = lastSeq.put(r.key(), seq);
            if (before != null && before >= seq) {
                outOfOrder++;
            }
        }
        Map<String, Integer> dead = new HashMap<>();
        for (ConsumerRecord<String, String> r : Verifier.readAll(bootstrap, run + "-jobs-dlq")) {
            dead.merge(r.value(), 1, Integer::sum);
        }
        long duplicates = 0;
        long lost = 0;
        List<String> details = new ArrayList<>();
        for (ConsumerRecord<String, String> r : jobs) {
            int n = out.getOrDefault(r.value(), 0) + dead.getOrDefault(r.value(), 0);
            if (n == 0) {
                lost++;
                if (details.size() < 10) {
                    details.add("job " + r.value() + " neither done nor dead-lettered");
                }
            }
            duplicates += Math.max(0, n - 1);
        }
        long deadLetters = dead.values().stream().mapToLong(Integer::longValue).sum();
        details.add(0, jobs.size() + " jobs, " + outputs + " done, " + deadLetters + " dead-lettered after 3 "
                + "attempts; keys out of order: " + outOfOrder);
        boolean ok = duplicates == 0 && lost == 0 && outOfOrder == 0;
        return new Check(ok, "exactly-once: " + (ok ? "OK" : "VIOLATED") + " input=" + jobs.size() + " output="
                + (outputs + deadLetters) + " duplicates=" + duplicates + " lost=" + lost, details);
    }
}
