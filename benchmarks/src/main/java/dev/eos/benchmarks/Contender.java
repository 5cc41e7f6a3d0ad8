package dev.eos.benchmarks;

import dev.eos.KeyValueStore;
import dev.eos.Ordering;
import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import dev.eos.StoreDefinition;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/** One stream processor under test, started on an input topic and writing to its own output topic. */
enum Contender {
    EOS("eos") {
        @Override
        AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario)
                throws Exception {
            return startEos(bootstrap, app, input, output, scenario, false);
        }
    },
    /**
     * eos with its output topic {@linkplain OutputTopic#coalesced() coalesced}: per transaction, the latest value of
     * each key (in scenario state, the latest count), as Kafka Streams' record cache does by default.
     */
    EOS_COALESCED("eos-coalesced") {
        @Override
        AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario)
                throws Exception {
            return startEos(bootstrap, app, input, output, scenario, true);
        }
    },
    /** eos on the {@code cpu} transform, whatever the scenario: the reference rate of scenario io-async. */
    EOS_CPU("eos-cpu") {
        @Override
        AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario)
                throws Exception {
            return startEos(bootstrap, app, input, output, Scenario.CPU, false);
        }
    },
    KAFKA_STREAMS_EOS("kafka-streams-eos") {
        @Override
        AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario)
                throws Exception {
            return startStreams(bootstrap, app, input, output, scenario, null);
        }
    },
    /**
     * Kafka Streams with transactional state stores (KIP-892, {@code enable.transactional.statestores}): after a
     * crash under exactly-once its stores need not be wiped.
     */
    KAFKA_STREAMS_EOS_TXSTORES("kafka-streams-eos-txstores") {
        @Override
        AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario)
                throws Exception {
            TRANSACTIONAL_STORES.set(true);
            try {
                return startStreams(bootstrap, app, input, output, scenario, null);
            } finally {
                TRANSACTIONAL_STORES.set(false);
            }
        }
    },
    /** Kafka Streams with its record cache off: every count update is emitted and logged, as eos does. */
    KAFKA_STREAMS_EOS_NO_CACHE("kafka-streams-eos-nocache") {
        @Override
        AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario)
                throws Exception {
            return startStreams(bootstrap, app, input, output, scenario, 0L);
        }
    },
    /** Spring Kafka's listener container with a KafkaTransactionManager, one thread per partition. */
    SPRING_KAFKA_TX("spring-kafka-tx") {
        @Override
        AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario) {
            return SpringKafkaContender.start(bootstrap, app, input, output, scenario, EndToEndBenchmark.PARTITIONS);
        }
    },
    /** Confluent Parallel Consumer, KEY order, transactional producer; in a JVM of its own. */
    PARALLEL_CONSUMER_TX("parallel-consumer-tx") {
        @Override
        AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario)
                throws Exception {
            return ParallelConsumerProcess.start(bootstrap, app, input, output, scenario, workers(scenario));
        }
    },
    AT_LEAST_ONCE("at-least-once") {
        @Override
        AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread t = new Thread(() -> {
                Map<String, Object> c = new HashMap<>();
                c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                c.put(ConsumerConfig.GROUP_ID_CONFIG, app);
                c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
                c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
                Map<String, Object> pc = new HashMap<>();
                pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                pc.put(ProducerConfig.LINGER_MS_CONFIG, 5);
                pc.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                        new StringDeserializer());
                     KafkaProducer<String, String> producer = new KafkaProducer<>(pc, new StringSerializer(),
                             new StringSerializer())) {
                    consumer.subscribe(List.of(input));
                    while (!stop.get()) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                            producer.send(new ProducerRecord<>(output, null, r.key(), scenario.transform(r.value()),
                                    scenario == Scenario.LATENCY ? processedNow() : null));
                        }
                        consumer.commitAsync();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-at-least-once");
            t.start();
            return () -> {
                stop.set(true);
                t.join(30_000);
            };
        }
    };

    /** The store of scenario state (Kafka Streams names its store the same). */
    static final StoreDefinition<String, Long> COUNTS =
            StoreDefinition.persistent("counts", Serdes.String(), Serdes.Long());

    /** The state directory of the stateful contenders, or null for a new temporary one per start. */
    static volatile java.nio.file.Path stateDir;

    private static final ThreadLocal<Boolean> TRANSACTIONAL_STORES = ThreadLocal.withInitial(() -> false);

    /** Extra eos settings from {@code --eos-config k=v,k=v}, applied after the defaults above. */
    static final Map<String, Object> EXTRA_EOS_CONFIG = new HashMap<>();

    final String label;

    Contender(String label) {
        this.label = label;
    }

    /** Starts the contender; closing the result stops it. */
    abstract AutoCloseable start(String bootstrap, String app, String input, String output, Scenario scenario)
            throws Exception;

    /** Worker threads of eos and Parallel Consumer: 64 where records wait, else 4 (this machine has 2 cores). */
    static int workers(Scenario scenario) {
        return scenario.waits() ? 64 : 4;
    }

    /**
     * eos with KEY order on the scenario's workload; in io-async, an asynchronous processor; {@code coalesced}: the
     * output topic declared coalesced.
     */
    static AutoCloseable startEos(String bootstrap, String app, String input, String output, Scenario scenario,
            boolean coalesced) throws Exception {
        OutputTopic<String, String> declared = OutputTopic.of(output, Serdes.String(), Serdes.String());
        OutputTopic<String, String> out = coalesced ? declared.coalesced() : declared;
        Pipeline.Builder<String, String> builder = Pipeline.builder(Serdes.String(), Serdes.String());
        if (scenario == Scenario.STATE) {
            builder.store(COUNTS).config("state.dir", (stateDir != null ? stateDir
                    : Files.createTempDirectory("bench-eos-")).toString());
        }
        // io-async's remote call: completed by a scheduler after its wait, no thread held meanwhile
        ScheduledExecutorService calls = scenario == Scenario.IO_ASYNC ? Executors.newScheduledThreadPool(2) : null;
        if (scenario == Scenario.STATE) {
            builder.processor((r, ctx) -> {
                KeyValueStore<String, Long> counts = ctx.store(COUNTS);
                Long n = counts.get(r.key());
                long next = n == null ? 1 : n + 1;
                counts.put(r.key(), next);
                ctx.emit(out, r.key(), Long.toString(next));
            });
        } else if (calls != null) {
            builder.config("max.in.flight.records", ASYNC_IN_FLIGHT).concurrency(4).asyncProcessor((r, ctx) -> {
                CompletableFuture<Void> call = new CompletableFuture<>();
                calls.schedule(() -> {
                    ctx.emit(out, r.key(), Scenario.output(r.value()));
                    call.complete(null);
                }, scenario.workMs(0), TimeUnit.MILLISECONDS);
                return call;
            });
        } else if (scenario == Scenario.LATENCY) {
            builder.processor((r, ctx) -> ctx.emit(out, r.key(), scenario.transform(r.value()), processedNow()));
        } else {
            builder.processor((r, ctx) -> ctx.emit(out, r.key(), scenario.transform(r.value())));
        }
        CommitStats commits = scenario == Scenario.LATENCY ? new CommitStats() : null;
        if (commits != null) {
            builder.meterRegistry(commits.registry);
        }
        if (scenario != Scenario.IO_ASYNC) {
            builder.concurrency(workers(scenario));
        }
        Pipeline<String, String> p = builder
                .bootstrapServers(bootstrap).applicationId(app).instanceId("bench")
                .inputTopics(input).outputTopic(out)
                .ordering(Ordering.KEY)
                .config("consumer.max.poll.records", 2000)
                .config("producer.linger.ms", 5)
                .config("producer.batch.size", 256 * 1024)
                .config(EXTRA_EOS_CONFIG)
                .build();
        p.start();
        return () -> {
            if (commits != null) {
                EndToEndBenchmark.say("eos commits: " + commits.describe());
            }
            p.close(Duration.ofSeconds(30));
            if (calls != null) {
                calls.shutdownNow();
            }
        };
    }

    /** Headers with the time the processor ran ({@link Scenario#PROCESSED_HEADER}). */
    static org.apache.kafka.common.header.Headers processedNow() {
        return new org.apache.kafka.common.header.internals.RecordHeaders().add(Scenario.PROCESSED_HEADER,
                Long.toString(System.currentTimeMillis()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Remote calls in flight at most in scenario io-async (eos's max.in.flight.records). */
    static final int ASYNC_IN_FLIGHT = 5_000;

    /**
     * Kafka Streams exactly_once_v2 with 2 stream threads (one per partition where records wait);
     * {@code cacheBytes}: its record cache (null: default).
     */
    static AutoCloseable startStreams(String bootstrap, String app, String input, String output, Scenario scenario,
            Long cacheBytes) throws Exception {
        StreamsBuilder b = new StreamsBuilder();
        if (scenario == Scenario.STATE) {
            b.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                    .groupByKey()
                    .count(Materialized.as(COUNTS.name()))
                    .toStream()
                    .mapValues(String::valueOf)
                    .to(output, Produced.with(Serdes.String(), Serdes.String()));
        } else {
            b.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                    .mapValues(v -> {
                        try {
                            return scenario.transform(v);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    })
                    .to(output, Produced.with(Serdes.String(), Serdes.String()));
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, scenario.waits() ? EndToEndBenchmark.PARTITIONS : 2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, (stateDir != null ? stateDir
                : Files.createTempDirectory("bench-streams-")).toString());
        if (TRANSACTIONAL_STORES.get()) {
            props.put("enable.transactional.statestores", true);
        }
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        if (cacheBytes != null) {
            props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheBytes);
        }
        KafkaStreams streams = new KafkaStreams(b.build(), props);
        streams.setGlobalStateRestoreListener(new org.apache.kafka.streams.processor.StateRestoreListener() {
            private final Map<org.apache.kafka.common.TopicPartition, Long> started =
                    new java.util.concurrent.ConcurrentHashMap<>();

            @Override
            public void onRestoreStart(org.apache.kafka.common.TopicPartition tp, String store, long start, long end) {
                started.put(tp, System.nanoTime());
            }

            @Override
            public void onBatchRestored(org.apache.kafka.common.TopicPartition tp, String store, long end, long n) {
            }

            @Override
            public void onRestoreEnd(org.apache.kafka.common.TopicPartition tp, String store, long total) {
                long ms = (System.nanoTime() - started.getOrDefault(tp, System.nanoTime())) / 1_000_000;
                String line = "kafka-streams " + tp + " restored: " + total + " changelog record(s) in " + ms + " ms";
                System.out.println(line);
                RestorePhase.line(line);
            }
        });
        streams.start();
        // leave the group on close, as eos does, so that a restart does not wait for the session timeout
        return () -> streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    /** Every contender's label, for messages. */
    static final String LABELS = "eos, eos-coalesced, eos-cpu, kafka-streams-eos, kafka-streams-eos-txstores, "
            + "kafka-streams-eos-nocache, spring-kafka-tx, parallel-consumer-tx, at-least-once";

    static Contender of(String label) {
        for (Contender c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown contender '" + label + "'; known: " + LABELS);
    }
}
