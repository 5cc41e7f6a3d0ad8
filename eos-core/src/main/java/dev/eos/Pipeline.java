package dev.eos;

import dev.eos.internals.exec.BlockingProcessor;
import dev.eos.internals.exec.Declared;
import dev.eos.internals.metrics.LiveStatus;
import dev.eos.internals.metrics.MicrometerMetrics;
import dev.eos.internals.metrics.PipelineMetrics;
import dev.eos.internals.runtime.KafkaClients;
import dev.eos.internals.runtime.Lifecycle;
import dev.eos.internals.runtime.PipelineRunner;
import dev.eos.internals.runtime.PollLoop;
import dev.eos.internals.runtime.Settings;
import dev.eos.internals.state.StoreDeclarations;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * An exactly-once consume-transform-produce pipeline: it reads its input topics as a member of the consumer
 * group {@code application.id}, calls the {@link Processor} for each record, and commits the emitted outputs
 * together with the consumed offsets in one Kafka transaction, or not at all.
 *
 * <pre>{@code
 * OutputTopic<String, String> out = OutputTopic.of("upper", Serdes.String(), Serdes.String());
 * Pipeline<String, String> pipeline = Pipeline.builder(Serdes.String(), Serdes.String())
 *         .bootstrapServers("localhost:9092")
 *         .applicationId("uppercase")
 *         .inputTopics("words")
 *         .outputTopic(out)
 *         .processor((record, context) -> context.emit(out, record.key(), record.value().toUpperCase()))
 *         .build();
 * pipeline.start();
 * pipeline.awaitTermination(); // until close(); throws if the pipeline fails
 * }</pre>
 *
 * <p>Run more instances with the same application id to spread the partitions; the group protocol assigns
 * them, and transactions with group-generation fencing keep the output exactly once across rebalances and
 * crashed or stalled instances.
 *
 * @param <K> input key type
 * @param <V> input value type
 */
public final class Pipeline<K, V> implements AutoCloseable {

    /**
     * The lifecycle of a pipeline. Valid transitions:
     * <pre>
     * CREATED     -&gt; STARTING, STOPPED
     * STARTING    -&gt; RUNNING, STOPPING, FAILED
     * RUNNING     -&gt; REBALANCING, STOPPING, FAILED
     * REBALANCING -&gt; RUNNING, STOPPING, FAILED
     * STOPPING    -&gt; STOPPED, FAILED
     * STOPPED, FAILED: final
     * </pre>
     */
    public enum State {
        /** Built, not started. */
        CREATED,
        /** Starting: checking topics, initializing the transactional producer, joining the group. */
        STARTING,
        /** Processing records. */
        RUNNING,
        /** The group is rebalancing; work of revoked partitions is being committed. */
        REBALANCING,
        /** {@link #close(Duration)} was called; committing open work and closing the clients. */
        STOPPING,
        /** Stopped after a close. Final. */
        STOPPED,
        /** Stopped by an error the pipeline could not recover from; see the fatal error handler. Final. */
        FAILED;

        /** Whether a pipeline in this state can move to {@code next}. */
        public boolean canTransitionTo(State next) {
            return Lifecycle.allowed(this, next);
        }

        /** Whether this state is final. */
        public boolean isTerminal() {
            return this == STOPPED || this == FAILED;
        }
    }

    /** Told of every state change, on the thread that made it, outside the pipeline's locks. */
    @FunctionalInterface
    public interface StateListener {
        /** The pipeline moved from {@code oldState} to {@code newState}. */
        void onChange(State newState, State oldState);
    }

    /**
     * Told once when the pipeline stops on an error it cannot recover from: a {@link ProcessingException}
     * for a record that failed, or the Kafka client error (authorization, unsupported version, an abort loop
     * that did not end). The pipeline is in state {@link State#FAILED} when it is called.
     */
    @FunctionalInterface
    public interface FatalErrorHandler {
        /** The pipeline stopped because of {@code cause}. */
        void onFatalError(Throwable cause);
    }

    private final Settings settings;
    private final Lifecycle lifecycle;
    private final LiveStatus status = new LiveStatus();
    private final PipelineRunner runner;

    private Pipeline(Builder<K, V> b, EosConfig config) {
        this.settings = new Settings(config);
        this.lifecycle = new Lifecycle(settings.applicationId(), b.stateListener, b.fatalErrorHandler);
        List<String> inputs = List.copyOf(b.inputTopics);
        Map<String, OutputTopic<?, ?>> outputTopics = Map.copyOf(b.outputTopics);
        Map<String, StoreDefinition<?, ?>> stores = Collections.unmodifiableMap(new LinkedHashMap<>(b.stores));
        Deserializer<K> keys = b.keySerde.deserializer();
        Deserializer<V> values = b.valueSerde.deserializer();
        AsyncProcessor<K, V> processor = b.processor;
        KafkaClients clients = b.clients;
        MeterRegistry registry = b.meterRegistry;
        this.runner = new PipelineRunner(settings, lifecycle, clients, inputs, Declared.kafkaTopics(outputTopics),
                stores, changelogs -> new PollLoop<>(settings, inputs, outputTopics, stores, changelogs, keys, values,
                        processor, lifecycle, clients, registry == null ? PipelineMetrics.NOOP
                        : new MicrometerMetrics(registry, settings.applicationId()), status));
    }

    /**
     * A builder for a pipeline whose input keys and values are read with these serdes.
     *
     * @param keySerde serde of the input keys
     * @param valueSerde serde of the input values
     */
    public static <K, V> Builder<K, V> builder(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Builder<>(keySerde, valueSerde);
    }

    /**
     * Checks that the input and output topics exist, then starts processing on the pipeline's own thread
     * ({@code eos-<application.id>-poll}). Returns once that thread is started; {@link #state()} moves to
     * {@link State#RUNNING} when the transactional producers are ready. A {@link #close(Duration)} from another
     * thread while the topics are being checked is honoured: the pipeline ends {@link State#STOPPED}.
     *
     * @throws IllegalStateException if the pipeline was already started or closed, or a topic is missing
     *     (the message names it), or the cluster cannot be reached to check them
     */
    public void start() {
        runner.start();
    }

    /**
     * Stops the pipeline: the records processed so far are committed, the clients closed, the group left.
     * Idempotent; may be called from any thread, including a state listener (then it does not wait). If the
     * timeout runs out first, the pipeline stops waiting for its commit: its producers are closed without
     * committing or aborting, and the broker aborts their open transaction after {@code transaction.timeout.ms};
     * nothing is lost, the records are processed again.
     *
     * @param timeout how long to wait for the pipeline to stop
     * @return whether the pipeline reached {@link State#STOPPED} or {@link State#FAILED} within the timeout
     */
    public boolean close(Duration timeout) {
        return runner.close(Objects.requireNonNull(timeout, "timeout"));
    }

    /** {@link #close(Duration)} with a timeout of 30 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Waits until the pipeline has stopped: returns once it is {@link State#STOPPED} (after a {@link #close}),
     * throws once it is {@link State#FAILED}, so a {@code main} ending with this call exits non-zero on a failure.
     *
     * @throws IllegalStateException if the pipeline failed; its cause is {@link #failure()}
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitTermination() throws InterruptedException {
        lifecycle.awaitTerminal(0);
    }

    /** {@link #awaitTermination()} for at most {@code timeout}; returns whether the pipeline stopped in time. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return lifecycle.awaitTerminal(Math.max(1, Objects.requireNonNull(timeout, "timeout").toMillis()));
    }

    /** The current state. */
    public State state() {
        return lifecycle.state();
    }

    /** The error that made the pipeline fail, or null. */
    public Throwable failure() {
        return lifecycle.failure();
    }

    /** Adds a listener told of every later state change. */
    public void addStateListener(StateListener listener) {
        lifecycle.addListener(listener);
    }

    /**
     * What the pipeline is doing now: state, last commit, lag, the oldest record in flight (a hung record shows
     * without reading logs) and the partitions being restored. Cheap: figures refreshed every 100 ms.
     */
    public PipelineHealth health() {
        return new PipelineHealth(lifecycle.state(), status.lastCommitMs, status.lag, status.recordsInFlight,
                status.oldestInFlight, status.oldestAgeMs(System.currentTimeMillis()), status.oldestStarted,
                status.restoring);
    }

    /** The application id of this pipeline. */
    public String applicationId() {
        return settings.applicationId();
    }

    /**
     * The transactional ids of this instance's two producers: {@code <application.id>-<instance.id>-0} and
     * {@code -1}. Transactions overlap: one producer commits while the other takes the next transaction.
     */
    public List<String> transactionalIds() {
        return settings.transactionalIds();
    }

    /**
     * Builds a {@link Pipeline}. Required: bootstrap servers, application id, at least one input topic and a
     * processor.
     *
     * @param <K> input key type
     * @param <V> input value type
     */
    public static final class Builder<K, V> {
        private final Serde<K> keySerde;
        private final Serde<V> valueSerde;
        private final Map<String, Object> props = new LinkedHashMap<>();
        private final Set<String> inputTopics = new LinkedHashSet<>();
        private final Map<String, OutputTopic<?, ?>> outputTopics = new LinkedHashMap<>();
        private final Map<String, StoreDefinition<?, ?>> stores = new LinkedHashMap<>();
        private AsyncProcessor<K, V> processor;
        private StateListener stateListener;
        private FatalErrorHandler fatalErrorHandler;
        private KafkaClients clients = KafkaClients.real();
        private MeterRegistry meterRegistry;

        private Builder(Serde<K> keySerde, Serde<V> valueSerde) {
            this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
            this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
        }

        /** Kafka brokers to connect to ({@code host:port,host:port}). */
        public Builder<K, V> bootstrapServers(String bootstrapServers) {
            return config(EosConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }

        /** The application id: consumer group id and transactional id prefix. */
        public Builder<K, V> applicationId(String applicationId) {
            return config(EosConfig.APPLICATION_ID_CONFIG, applicationId);
        }

        /** The identity of this instance, see {@link EosConfig#INSTANCE_ID_CONFIG}. */
        public Builder<K, V> instanceId(String instanceId) {
            return config(EosConfig.INSTANCE_ID_CONFIG, instanceId);
        }

        /** Topics to consume; records of all of them are read with the builder's serdes. */
        public Builder<K, V> inputTopics(String... topics) {
            for (String t : topics) {
                if (t == null || t.isBlank()) {
                    throw new IllegalArgumentException("Input topic names must not be blank");
                }
                inputTopics.add(t);
            }
            return this;
        }

        /**
         * Declares an output topic that the processor may emit to. Declarations match by name and serializer
         * classes: an alike instance may be declared or emitted to again; one with other serializers is refused.
         */
        public Builder<K, V> outputTopic(OutputTopic<?, ?> topic) {
            Declared.declareOutput(outputTopics, Objects.requireNonNull(topic, "topic"));
            return this;
        }

        /**
         * Declares a state store that the processor reaches with {@link ProcessorContext#store}. A pipeline with
         * stores reads exactly one input topic, in {@link Ordering#KEY} or {@link Ordering#PARTITION} order; its
         * changelog topics are created when it starts if they are missing. Stores match by name, serdes and kind.
         */
        public Builder<K, V> store(StoreDefinition<?, ?> store) {
            Declared.declareStore(stores, Objects.requireNonNull(store, "store"));
            return this;
        }

        /** What the worker pool keeps in order (default {@link Ordering#KEY}). */
        public Builder<K, V> ordering(Ordering ordering) {
            return config(EosConfig.ORDERING_CONFIG, Objects.requireNonNull(ordering, "ordering").name());
        }

        /** Number of worker threads that run the processor (default 16). */
        public Builder<K, V> concurrency(int workers) {
            return config(EosConfig.CONCURRENCY_CONFIG, workers);
        }

        /**
         * Sends records that fail their last attempt to this topic, in the same transaction as their offsets
         * ({@code failure.action=DEAD_LETTER}); the topic must exist when the pipeline starts.
         */
        public Builder<K, V> deadLetterTopic(String topic) {
            config(EosConfig.FAILURE_ACTION_CONFIG, FailureAction.DEAD_LETTER.name());
            return config(EosConfig.DEAD_LETTER_TOPIC_CONFIG, topic);
        }

        /** The user function, run on a worker thread per record; a pipeline has this or an asynchronous one. */
        public Builder<K, V> processor(Processor<K, V> processor) {
            return setProcessor(BlockingProcessor.of(Objects.requireNonNull(processor, "processor")));
        }

        /**
         * The user function as an {@link AsyncProcessor}: it returns a stage instead of blocking a worker
         * thread, so that many records can wait for remote calls at once (up to {@code max.in.flight.records},
         * one per key under KEY order). A pipeline has this or a blocking {@link #processor}.
         */
        public Builder<K, V> asyncProcessor(AsyncProcessor<K, V> processor) {
            return setProcessor(Objects.requireNonNull(processor, "processor"));
        }

        private Builder<K, V> setProcessor(AsyncProcessor<K, V> p) {
            if (processor != null) {
                throw new IllegalStateException("A pipeline has one processor: processor() or asyncProcessor() "
                        + "was already given");
            }
            processor = p;
            return this;
        }

        /** Sets one configuration key of {@link EosConfig}, or a prefixed client setting. */
        public Builder<K, V> config(String key, Object value) {
            props.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** Sets several configuration keys, see {@link #config(String, Object)}. */
        public Builder<K, V> config(Map<String, ?> values) {
            values.forEach(this::config);
            return this;
        }

        /**
         * Turns metrics on: the pipeline registers its {@code eos.*} meters (tagged with the application id) and
         * the Kafka clients' own metrics in this registry (see docs/operations.md). Without a registry the
         * pipeline records nothing and pays nothing for metrics.
         */
        public Builder<K, V> meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Test seam: the factory of the Kafka clients. */
        Builder<K, V> clients(KafkaClients factory) {
            this.clients = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** A listener told of every state change. */
        public Builder<K, V> stateListener(StateListener listener) {
            this.stateListener = listener;
            return this;
        }

        /** Told once if the pipeline stops on an error, see {@link FatalErrorHandler}. */
        public Builder<K, V> fatalErrorHandler(FatalErrorHandler handler) {
            this.fatalErrorHandler = handler;
            return this;
        }

        /**
         * Validates everything that can be checked without a broker and creates the pipeline.
         *
         * @throws ConfigException if a setting is missing, invalid, or contradicts exactly-once
         * @throws IllegalStateException if no input topic or no processor was given
         */
        public Pipeline<K, V> build() {
            if (inputTopics.isEmpty()) {
                throw new IllegalStateException("A pipeline needs at least one input topic (inputTopics)");
            }
            if (processor == null) {
                throw new IllegalStateException("A pipeline needs a processor (processor or asyncProcessor)");
            }
            Declared.checkOutputs(inputTopics, outputTopics, stores.keySet(), props);
            EosConfig config = new EosConfig(props);
            StoreDeclarations.check(stores.values(), inputTopics, outputTopics.keySet(), config);
            return new Pipeline<>(this, config);
        }
    }
}
