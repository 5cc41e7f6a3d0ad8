package dev.eos.examples;

import dev.eos.AsyncProcessor;
import dev.eos.InputRecord;
import dev.eos.KeyValueStore;
import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import dev.eos.ProcessorContext;
import dev.eos.StoreDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The example stateless pipeline that {@code ./eos demo} runs: for each input record it emits one record with
 * the same key and the value {@code processed:<input value>} to the output topic. The demo's verifier maps
 * each output back to its input through that value.
 */
public final class MapExample {

    /** Prefix of every output value. */
    public static final String PREFIX = "processed:";

    /** The store of the counting variant: records per key. */
    public static final StoreDefinition<String, Long> COUNTS =
            StoreDefinition.persistent("counts", Serdes.String(), Serdes.Long());

    /** Header of the counting variant's outputs: the key's count after this record. */
    public static final String COUNT_HEADER = "count";

    /** What the pipeline does beside the map. */
    public enum Variant {
        /** Count the records of each key in the store {@link #COUNTS}; the count goes in {@link #COUNT_HEADER}. */
        COUNT_PER_KEY,
        /** Run the processor as an {@link AsyncProcessor}: the record's wait on a scheduler. */
        ASYNC,
        /** Declare the output topic {@linkplain OutputTopic#coalesced() coalesced}: the latest value per key. */
        COALESCED
    }

    private MapExample() {
    }

    /**
     * Builds the pipeline.
     *
     * @param bootstrap Kafka bootstrap servers
     * @param applicationId application id (group id, transactional id prefix)
     * @param instanceId instance id, stable across restarts of the same worker slot
     * @param input input topic
     * @param output output topic
     * @param extraConfig more pipeline settings (may be empty)
     */
    public static Pipeline<String, String> pipeline(String bootstrap, String applicationId, String instanceId,
            String input, String output, Map<String, ?> extraConfig) {
        return pipeline(bootstrap, applicationId, instanceId, input, output, extraConfig, 0);
    }

    /**
     * Builds the pipeline with a simulated remote call: each record first sleeps a random time between 0 and
     * {@code maxSleepMs} milliseconds, so records finish out of order on the worker pool.
     */
    public static Pipeline<String, String> pipeline(String bootstrap, String applicationId, String instanceId,
            String input, String output, Map<String, ?> extraConfig, int maxSleepMs) {
        return pipeline(bootstrap, applicationId, instanceId, input, output, extraConfig, maxSleepMs, 0);
    }

    /** Whether input value {@code value} is a poison record for {@code poisonEvery} (0: none is). */
    public static boolean isPoison(String value, int poisonEvery) {
        if (poisonEvery <= 0) {
            return false;
        }
        try {
            return Long.parseLong(value.trim()) % poisonEvery == poisonEvery - 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Builds the pipeline with a simulated remote call and poison records: the processor throws for every
     * input whose id is {@code poisonEvery - 1} modulo {@code poisonEvery} (never when 0), so those records are
     * retried and then take the configured {@code failure.action}.
     */
    public static Pipeline<String, String> pipeline(String bootstrap, String applicationId, String instanceId,
            String input, String output, Map<String, ?> extraConfig, int maxSleepMs, int poisonEvery) {
        return pipeline(bootstrap, applicationId, instanceId, input, output, extraConfig, maxSleepMs, poisonEvery,
                null);
    }

    /** The same, with metrics in {@code registry} (null: none). */
    public static Pipeline<String, String> pipeline(String bootstrap, String applicationId, String instanceId,
            String input, String output, Map<String, ?> extraConfig, int maxSleepMs, int poisonEvery,
            MeterRegistry registry) {
        return pipeline(bootstrap, applicationId, instanceId, input, output, extraConfig, maxSleepMs, poisonEvery,
                registry, false);
    }

    /**
     * The same; with {@code countPerKey} it also counts the records of each key in the store {@link #COUNTS} and
     * puts the new count in the header {@link #COUNT_HEADER} of the output, so that a checker can compare the
     * state with a fold of the input.
     */
    public static Pipeline<String, String> pipeline(String bootstrap, String applicationId, String instanceId,
            String input, String output, Map<String, ?> extraConfig, int maxSleepMs, int poisonEvery,
            MeterRegistry registry, boolean countPerKey) {
        return pipeline(bootstrap, applicationId, instanceId, input, output, extraConfig, maxSleepMs, poisonEvery,
                registry, countPerKey ? java.util.EnumSet.of(Variant.COUNT_PER_KEY) : java.util.EnumSet.noneOf(
                        Variant.class));
    }

    /**
     * The same, with {@code variants}: with {@link Variant#ASYNC} the simulated remote call is an
     * {@link dev.eos.AsyncProcessor}: the record's wait runs on a scheduler instead of a worker thread, and the poison
     * check, the count and the emit happen in the stage's callback (a poison record's stage completes exceptionally).
     */
    public static Pipeline<String, String> pipeline(String bootstrap, String applicationId, String instanceId,
            String input, String output, Map<String, ?> extraConfig, int maxSleepMs, int poisonEvery,
            MeterRegistry registry, java.util.Set<Variant> variants) {
        boolean countPerKey = variants.contains(Variant.COUNT_PER_KEY);
        boolean async = variants.contains(Variant.ASYNC);
        OutputTopic<String, String> mapped = OutputTopic.of(output, Serdes.String(), Serdes.String());
        OutputTopic<String, String> out = variants.contains(Variant.COALESCED) ? mapped.coalesced() : mapped;
        Pipeline.Builder<String, String> builder = Pipeline.builder(Serdes.String(), Serdes.String());
        if (registry != null) {
            builder.meterRegistry(registry);
        }
        if (countPerKey) {
            builder.store(COUNTS);
        }
        Step step = (record, context) -> {
            if (isPoison(record.value(), poisonEvery)) {
                throw new IllegalStateException("poison record " + record.value());
            }
            Headers headers = null;
            if (countPerKey) {
                KeyValueStore<String, Long> counts = context.store(COUNTS);
                Long n = counts.get(record.key());
                long next = n == null ? 1 : n + 1;
                counts.put(record.key(), next);
                headers = new RecordHeaders().add(COUNT_HEADER, Long.toString(next).getBytes(StandardCharsets.UTF_8));
            }
            context.emit(out, record.key(), PREFIX + record.value(), headers);
        };
        if (async) {
            builder.asyncProcessor(new AsyncMap(step, maxSleepMs));
        } else {
            builder.processor((record, context) -> {
                if (maxSleepMs > 0) {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(maxSleepMs + 1));
                }
                step.run(record, context);
            });
        }
        return builder
                .bootstrapServers(bootstrap)
                .applicationId(applicationId)
                .instanceId(instanceId)
                .inputTopics(input)
                .outputTopic(out)
                .config(extraConfig)
                .build();
    }

    /** What the map pipeline does for a record once its simulated call is over. */
    private interface Step {
        void run(InputRecord<String, String> record, ProcessorContext context);
    }

    /** The map as an asynchronous processor: the wait is a scheduled task; the step runs when it fires. */
    private static final class AsyncMap implements AsyncProcessor<String, String> {
        private final Step step;
        private final int maxSleepMs;
        private ScheduledExecutorService calls;

        AsyncMap(Step step, int maxSleepMs) {
            this.step = step;
            this.maxSleepMs = maxSleepMs;
        }

        @Override
        public void init(ProcessorContext context) {
            calls = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "remote-calls");
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public CompletionStage<?> process(InputRecord<String, String> record, ProcessorContext context) {
            CompletableFuture<Void> call = new CompletableFuture<>();
            calls.schedule(() -> {
                try {
                    step.run(record, context);
                    call.complete(null);
                } catch (RuntimeException e) {
                    call.completeExceptionally(e);
                }
            }, maxSleepMs > 0 ? ThreadLocalRandom.current().nextInt(maxSleepMs + 1) : 0, TimeUnit.MILLISECONDS);
            return call;
        }

        @Override
        public void close() {
            calls.shutdownNow();
        }
    }
}
