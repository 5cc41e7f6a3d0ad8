package dev.eos.internals.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * {@link PipelineMetrics} on a Micrometer {@link MeterRegistry}: the {@code eos.*} meters listed in
 * docs/operations.md, tagged with {@code application}, and Kafka's own client metrics through
 * {@link KafkaClientMetrics} (re-bound when a producer is replaced).
 */
public final class MicrometerMetrics implements PipelineMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> gauges = new ArrayList<>();
    private final Counter processed;
    private final Counter failedAttempts;
    private final Counter retried;
    private final Counter deadLettered;
    private final Counter skipped;
    private final Timer processing;
    private final Timer commit;
    private final Counter committed;
    private final Counter aborted;
    private final Counter coalesced;
    private final Counter fenced;
    private final Counter rebalances;
    private final Map<String, KafkaClientMetrics> clients = new ConcurrentHashMap<>();

    @Override
    public MeterRegistry registry() {
        return registry;
    }

    public MicrometerMetrics(MeterRegistry registry, String applicationId) {
        this.registry = registry;
        this.tags = Tags.of(Tag.of("application", applicationId));
        processed = counter("eos.records.processed", "records whose processing succeeded (outputs ready to send)");
        failedAttempts = counter("eos.records.failed.attempts", "attempts that threw, timed out or could not "
                + "deserialize");
        retried = counter("eos.records.retried", "failed attempts that will be tried again after a backoff");
        deadLettered = counter("eos.records.dead.lettered", "records sent to the dead-letter topic");
        skipped = counter("eos.records.skipped", "failed records skipped (failure.action=SKIP)");
        processing = timer("eos.record.processing", "time of one attempt of the processor");
        commit = timer("eos.commit", "from handing a transaction to the committer to its commit");
        committed = counter("eos.transactions.committed", "transactions committed");
        aborted = counter("eos.transactions.aborted", "transactions aborted (their records are processed again)");
        coalesced = counter("eos.outputs.coalesced", "outputs of coalesced topics replaced by a later value of their "
                + "key in the same transaction (never written)");
        fenced = counter("eos.producers.fenced", "transactional producers fenced and replaced");
        rebalances = counter("eos.rebalances", "partition assignments received (one per rebalance)");
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).tags(tags).register(registry);
    }

    private void gauge(String name, String description, String unit, LiveStatus status,
            ToDoubleFunction<LiveStatus> value) {
        gauges.add(Gauge.builder(name, status, value).description(description).baseUnit(unit).tags(tags)
                .strongReference(true).register(registry));
    }

    @Override
    public boolean timed() {
        return true;
    }

    @Override
    public void attemptSucceeded(long nanos) {
        processed.increment();
        processing.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void attemptFailed(long nanos) {
        failedAttempts.increment();
        processing.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void retried() {
        retried.increment();
    }

    @Override
    public void deadLettered() {
        deadLettered.increment();
    }

    @Override
    public void skipped() {
        skipped.increment();
    }

    @Override
    public void committed(long nanos) {
        committed.increment();
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void aborted(int transactions) {
        aborted.increment(transactions);
    }

    @Override
    public void coalesced(long outputs) {
        coalesced.increment(outputs);
    }

    @Override
    public void fenced() {
        fenced.increment();
    }

    @Override
    public void rebalanced() {
        rebalances.increment();
    }

    @Override
    public void bindConsumer(Consumer<?, ?> consumer) {
        bind("consumer", new KafkaClientMetrics(consumer, tags));
    }

    @Override
    public void bindProducer(int slot, Producer<?, ?> producer) {
        bind("producer-" + slot, new KafkaClientMetrics(producer, tags));
    }

    private void bind(String client, KafkaClientMetrics binder) {
        KafkaClientMetrics old = clients.put(client, binder);
        if (old != null) {
            old.close();
        }
        binder.bindTo(registry);
    }

    @Override
    public void bindStatus(LiveStatus status) {
        gauge("eos.records.in.flight", "records taken from the consumer and not yet sent", "records", status,
                s -> s.recordsInFlight);
        gauge("eos.records.held", "completed records held behind an earlier record of their partition", "records",
                status, s -> s.recordsHeld);
        gauge("eos.partitions.paused", "assigned partitions paused by back-pressure (restoring ones are not "
                + "counted)", "partitions", status, s -> s.partitionsPaused);
        gauge("eos.restore.remaining", "changelog records the running restores still have to read", "records",
                status, s -> s.restoreRemaining);
        gauges.add(io.micrometer.core.instrument.FunctionCounter.builder("eos.restore.records", status,
                s -> s.restoredRecords).description("changelog records read by restores").baseUnit("records")
                .tags(tags).register(registry));
        gauges.add(io.micrometer.core.instrument.FunctionCounter.builder("eos.restores", status,
                s -> s.restoresFinished).description("partitions whose state stores finished a restore")
                .baseUnit("partitions").tags(tags).register(registry));
        gauge("eos.consumer.lag", "records behind the high watermarks of the assigned partitions (-1: unknown)",
                "records", status, s -> s.lag);
        gauge("eos.records.oldest.age", "age of the oldest record taken and not yet sent", "seconds", status,
                s -> s.oldestAgeMs(System.currentTimeMillis()) / 1000.0);
        gauge("eos.commit.last.age", "time since the last commit (-1: none yet)", "seconds", status,
                s -> s.lastCommitMs == 0 ? -1 : (System.currentTimeMillis() - s.lastCommitMs) / 1000.0);
    }

    @Override
    public void close() {
        clients.values().forEach(KafkaClientMetrics::close);
        clients.clear();
        for (Meter m : gauges) {
            registry.remove(m); // they read this pipeline's status; counters and timers stay for a last scrape
        }
        gauges.clear();
    }
}
