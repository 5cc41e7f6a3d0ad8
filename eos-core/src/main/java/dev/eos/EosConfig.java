package dev.eos;

import dev.eos.internals.runtime.ClientSettingsCheck;
import dev.eos.internals.runtime.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The configuration of a {@link Pipeline}: every key is a constant here with its documentation, type, default
 * and validator; {@code docs/configuration.md} is generated from {@link #configDef()}.
 *
 * <p>Kafka client settings pass through with a prefix: {@code consumer.}, {@code producer.} or {@code admin.}
 * (for example {@code consumer.max.poll.records}). The settings that exactly-once depends on are set by the
 * pipeline ({@code isolation.level=read_committed}, {@code enable.idempotence=true}, {@code acks=all},
 * {@code enable.auto.commit=false}, the transactional id and the group id); an override that contradicts one
 * of them is rejected with a {@link ConfigException} that names the key and the reason. Prefixed values are
 * checked against the client's own definitions when the pipeline is built; a prefixed key the client does not
 * define fails with a suggestion when it is within two edits of one it does, and is otherwise passed through with
 * a WARN (plugins, interceptors and config providers read keys of their own). An unknown key without a prefix
 * fails, with the nearest eos key or the prefix it needs.
 */
public final class EosConfig extends AbstractConfig {

    /** Prefix of settings passed to the Kafka consumer. */
    public static final String CONSUMER_PREFIX = "consumer.";
    /** Prefix of settings passed to the transactional Kafka producer. */
    public static final String PRODUCER_PREFIX = "producer.";
    /** Prefix of settings passed to the Kafka admin client used to check topics at start. */
    public static final String ADMIN_PREFIX = "admin.";

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to, as host:port pairs. "
            + "Passed to the consumer, the producer and the admin client.";

    public static final String APPLICATION_ID_CONFIG = "application.id";
    private static final String APPLICATION_ID_DOC = "Identity of the application: the consumer group id, and "
            + "the prefix of the transactional ids. Every instance of one application uses the same value. "
            + "Letters, digits, '.', '_' and '-' only.";

    public static final String INSTANCE_ID_CONFIG = "instance.id";
    private static final String INSTANCE_ID_DOC = "Identity of this instance within the application. Its two "
            + "transactional producers (transactions overlap: one commits while the other takes the next) use the "
            + "transactional ids <application.id>-<instance.id>-0 and <application.id>-<instance.id>-1. Give an instance that restarts after a crash the "
            + "same value, so that starting it aborts its unfinished transaction at once instead of after "
            + "transaction.timeout.ms. Two live instances must never share a value: they would fence each other. "
            + "Empty (the default) picks a random value at each start.";

    public static final String COMMIT_INTERVAL_MS_CONFIG = "commit.interval.ms";
    private static final String COMMIT_INTERVAL_MS_DOC = "Longest time a transaction stays open: once a "
            + "transaction holds records and is this old, it is committed. Lower gives lower end-to-end latency, "
            + "higher gives fewer, larger transactions.";

    public static final String COMMIT_EAGER_CONFIG = "commit.eager";
    private static final String COMMIT_EAGER_DOC = "Commit early when the pipeline has caught up: once the "
            + "input waiting in the log (the lag behind the high watermarks, as of the last fetch) would fit in "
            + "one poll (consumer max.poll.records), the open transaction is committed without waiting for "
            + "commit.interval.ms, so that under light or steady load outputs become visible to read_committed "
            + "readers within milliseconds. While a backlog waits, transactions run for commit.interval.ms (or "
            + "commit.max.records) and stay large. Transactions overlap, so an early commit does not stall "
            + "processing.";

    public static final String COMMIT_EAGER_MIN_MS_CONFIG = "commit.eager.min.ms";
    private static final String COMMIT_EAGER_MIN_MS_DOC = "Shortest time between the start of one commit and "
            + "an early commit (commit.eager) of the next transaction. 0: the next transaction commits as soon as "
            + "the running commit has ended, if the input has caught up; commits run one at a time, so their rate "
            + "stays below one per commit time (3 to 5 ms on a local broker). A higher value bounds the rate of "
            + "commits (and of the transaction markers the broker writes) under a steady trickle of input, and adds "
            + "up to that much latency to a record that arrives within it.";

    public static final String COMMIT_MAX_RECORDS_CONFIG = "commit.max.records";
    private static final String COMMIT_MAX_RECORDS_DOC = "Most input records in one transaction: a transaction "
            + "that has consumed this many records is committed before commit.interval.ms is reached. It bounds "
            + "the work redone after an abort; while the previous transaction is still committing, the open one "
            + "takes no more than this many records, and the rest wait in flight (max.in.flight.records).";

    public static final String TRANSACTION_TIMEOUT_MS_CONFIG = "transaction.timeout.ms";
    private static final String TRANSACTION_TIMEOUT_MS_DOC = "Time after which the broker aborts a transaction "
            + "of this instance that was neither committed nor aborted (for example after a crash), which also "
            + "bounds how long other instances wait before they can take over its partitions. Must be larger "
            + "than commit.interval.ms and at most the broker's transaction.max.timeout.ms.";

    public static final String MAX_ABORTS_CONFIG = "max.consecutive.aborts";
    private static final String MAX_ABORTS_DOC = "Number of transactions in a row that may abort (each followed "
            + "by a rewind and a retry of the same input) before the pipeline gives up and fails with the last "
            + "cause. Guards against a retry loop that can never succeed.";

    public static final String ORDERING_CONFIG = "ordering";
    private static final String ORDERING_DOC = "What the worker pool keeps in order: KEY (records of a partition "
            + "with the same key one at a time, in offset order), PARTITION (one record of a partition at a time) or "
            + "UNORDERED. Outputs are always committed in offset order per partition.";

    public static final String CONCURRENCY_CONFIG = "concurrency";
    private static final String CONCURRENCY_DOC = "Number of worker threads that run the processor. For I/O-bound "
            + "processors it can be far above the number of partitions; for CPU-bound ones, about the number of "
            + "cores. An AsyncProcessor needs few: its records wait for their stage without a thread.";

    public static final String MAX_IN_FLIGHT_CONFIG = "max.in.flight.records";
    private static final String MAX_IN_FLIGHT_DOC = "Records taken from the consumer and not yet sent "
            + "(queued, running, waiting for a retry, or completed and held behind an earlier offset of their "
            + "partition) at which fetching is paused: once the pipeline holds this many, the partitions holding "
            + "at least an equal share of it are paused until they drop below it, while the others keep fetching, "
            + "so a stuck record holds back only its own partition. One poll may overshoot it by up to consumer "
            + "max.poll.records. Keep it a few polls deep, so that fetching goes on while a commit flushes.";

    public static final String MAX_IN_FLIGHT_BYTES_CONFIG = "max.in.flight.bytes";
    private static final String MAX_IN_FLIGHT_BYTES_DOC = "Bytes held for records taken from the consumer and "
            + "not yet sent (their serialized input: key, value, headers; and once they completed, their serialized "
            + "outputs) at which fetching is paused, like max.in.flight.records: once reached, the partitions "
            + "holding at least an equal share of it are paused until they drop below it. Store writes count "
            + "(as their changelog records) until the transaction that sent them is committed or aborted.";

    public static final String PROCESSING_TIMEOUT_MS_CONFIG = "processing.timeout.ms";
    private static final String PROCESSING_TIMEOUT_MS_DOC = "Longest time one attempt of the processor may run "
            + "for one record. Past it the worker thread is interrupted and the attempt counts as failed (with a "
            + "java.util.concurrent.TimeoutException), so retry.max.attempts and failure.action apply. A processor "
            + "that ignores interruption keeps its worker until it returns, and its result is then discarded. For an "
            + "AsyncProcessor the time runs until its stage completes; past it the attempt fails the same way, a "
            + "CompletableFuture is cancelled, and whatever the stage does later is ignored. 0 disables the timeout.";

    public static final String PROCESSING_WARN_MS_CONFIG = "processing.warn.ms";
    private static final String PROCESSING_WARN_MS_DOC = "An attempt that runs longer than this is logged at "
            + "WARN once, with the record's coordinates, so that a hung call is visible before it times out. "
            + "0 disables the warning.";

    public static final String RETRY_MAX_ATTEMPTS_CONFIG = "retry.max.attempts";
    private static final String RETRY_MAX_ATTEMPTS_DOC = "Attempts of the processor per record, the first "
            + "included, before the record takes failure.action. 1 means no retry. A NonRetryableException, or "
            + "a key or value that cannot be deserialized, skips the retries.";

    public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "Wait before the first retry of a failed record. "
            + "Later waits grow by retry.backoff.multiplier up to retry.backoff.max.ms. The worker thread is free "
            + "while a record waits; in KEY or PARTITION order its key or partition waits with it.";

    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
    private static final String RETRY_BACKOFF_MAX_MS_DOC = "Longest wait between two attempts of a record.";

    public static final String RETRY_BACKOFF_MULTIPLIER_CONFIG = "retry.backoff.multiplier";
    private static final String RETRY_BACKOFF_MULTIPLIER_DOC = "Growth of the wait from one retry to the next: "
            + "1.0 gives a fixed backoff, 2.0 doubles it each time.";

    public static final String RETRY_JITTER_CONFIG = "retry.jitter";
    private static final String RETRY_JITTER_DOC = "Random spread of each wait, as a fraction: 0.2 draws the "
            + "wait uniformly within 20% either side of its nominal value.";

    public static final String FAILURE_ACTION_CONFIG = "failure.action";
    private static final String FAILURE_ACTION_DOC = "What happens to a record whose last attempt failed, whose "
            + "key or value cannot be deserialized, or whose output the broker rejects for that record alone "
            + "(too large, not authorized): STOP the pipeline, send it to the DEAD_LETTER topic in the same "
            + "transaction, or SKIP it with a WARN log line.";

    public static final String DEAD_LETTER_TOPIC_CONFIG = "dead.letter.topic";
    private static final String DEAD_LETTER_TOPIC_DOC = "Topic that receives failed records when "
            + "failure.action=DEAD_LETTER; it must exist when the pipeline starts.";

    public static final String DRAIN_TIMEOUT_MS_CONFIG = "drain.timeout.ms";
    private static final String DRAIN_TIMEOUT_MS_DOC = "How long a rebalance that revokes partitions, or a "
            + "close, waits for running records of those partitions before it commits what has completed. "
            + "Records not completed by then are not marked consumed and are processed again by the next owner. "
            + "Must be below transaction.timeout.ms, or the broker could abort the transaction being drained.";

    public static final String TRANSACTION_HEADER_CONFIG = "output.transaction.header";
    private static final String TRANSACTION_HEADER_DOC = "Add to every output record (and dead letter) a header "
            + "eos.txn naming the transaction that wrote it: <transactional.id>:<producer session>:<sequence>. "
            + "An auditor can then check that each transaction is seen by read_committed readers whole or not at "
            + "all. Costs about 50 bytes per record.";

    public static final String PROVENANCE_HEADERS_CONFIG = "output.provenance.headers";
    private static final String PROVENANCE_HEADERS_DOC = "Add to every output the headers eos.source.topic, "
            + "eos.source.partition and eos.source.offset naming the input record it was made from, and the "
            + "transaction header (see output.transaction.header), so that ./eos verify can audit the committed "
            + "output for lost and duplicated records. Dead letters carry their source anyway. Costs about 100 "
            + "bytes per record.";

    public static final String COALESCE_MAX_BYTES_CONFIG = "output.coalesce.max.bytes";
    private static final String COALESCE_MAX_BYTES_DOC = "Memory for the values held for coalesced output topics "
            + "(OutputTopic.coalesced()): within a transaction only the latest value per key is written, at commit. "
            + "Past this many bytes (each held key's record and the input record it came from, plus about 100 "
            + "bytes), the least recently updated keys are written early, in the same transaction. Unused without "
            + "a coalesced topic.";

    public static final String STATE_DIR_CONFIG = "state.dir";
    private static final String STATE_DIR_DOC = "Directory of the persistent state stores; each instance keeps "
            + "<state.dir>/<application.id> and locks it, so two instances cannot share one. Empty: "
            + "<java.io.tmpdir>/eos-state. A local store records, with each commit folded into it, where it "
            + "stands in its changelog: after a clean close it restarts as it is, after a crash it restores only the "
            + "changelog records past that position (docs/state.md says when it is rebuilt instead).";

    public static final String STATE_CLEANUP_DELAY_MS_CONFIG = "state.cleanup.delay.ms";
    private static final String STATE_CLEANUP_DELAY_MS_DOC = "How long the local state of a partition this instance "
            + "no longer owns is kept before it is deleted (kept, it spares a restore if the partition comes back).";

    public static final String STATE_MEMORY_BYTES_CONFIG = "state.memory.bytes";
    private static final String STATE_MEMORY_BYTES_DOC = "Off-heap memory shared by every RocksDB store of the "
            + "process: one block cache of this size, a quarter of which may hold memtables. Set by the first "
            + "pipeline of the process that opens a store.";

    public static final String CHANGELOG_REPLICATION_FACTOR_CONFIG = "state.changelog.replication.factor";
    private static final String CHANGELOG_REPLICATION_FACTOR_DOC = "Replication factor of the changelog topics "
            + "the pipeline creates (<application.id>-<store>-changelog, compacted, partitioned like the input); "
            + "-1: the broker's default.";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString() {
                        @Override
                        public void ensureValid(String name, Object value) {
                            if (value == null || ((List<?>) value).isEmpty()) {
                                throw new ConfigException(name, value, "at least one host:port is required");
                            }
                        }

                        @Override
                        public String toString() {
                            return "non-empty list";
                        }
                    }, Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(APPLICATION_ID_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, identifier(false),
                    Importance.HIGH, APPLICATION_ID_DOC)
            .define(INSTANCE_ID_CONFIG, Type.STRING, "", identifier(true), Importance.MEDIUM, INSTANCE_ID_DOC)
            .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 100L, Range.between(1, 600_000), Importance.MEDIUM,
                    COMMIT_INTERVAL_MS_DOC)
            .define(COMMIT_EAGER_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, COMMIT_EAGER_DOC)
            .define(COMMIT_EAGER_MIN_MS_CONFIG, Type.LONG, 0L, Range.between(0, 600_000), Importance.LOW,
                    COMMIT_EAGER_MIN_MS_DOC)
            .define(COMMIT_MAX_RECORDS_CONFIG, Type.INT, 100_000, Range.atLeast(1), Importance.MEDIUM,
                    COMMIT_MAX_RECORDS_DOC)
            .define(TRANSACTION_TIMEOUT_MS_CONFIG, Type.INT, 10_000, Range.between(1_000, 900_000),
                    Importance.MEDIUM, TRANSACTION_TIMEOUT_MS_DOC)
            .define(MAX_ABORTS_CONFIG, Type.INT, 10, Range.atLeast(1), Importance.LOW, MAX_ABORTS_DOC)
            .define(ORDERING_CONFIG, Type.STRING, Ordering.KEY.name(), enumValidator(Ordering.values()),
                    Importance.HIGH, ORDERING_DOC)
            .define(CONCURRENCY_CONFIG, Type.INT, 16, Range.between(1, 10_000), Importance.HIGH, CONCURRENCY_DOC)
            .define(MAX_IN_FLIGHT_CONFIG, Type.INT, 50_000, Range.atLeast(1), Importance.MEDIUM, MAX_IN_FLIGHT_DOC)
            .define(MAX_IN_FLIGHT_BYTES_CONFIG, Type.LONG, 64L * 1024 * 1024, Range.atLeast(1024),
                    Importance.MEDIUM, MAX_IN_FLIGHT_BYTES_DOC)
            .define(PROCESSING_TIMEOUT_MS_CONFIG, Type.LONG, 300_000L, Range.between(0, 86_400_000),
                    Importance.MEDIUM, PROCESSING_TIMEOUT_MS_DOC)
            .define(PROCESSING_WARN_MS_CONFIG, Type.LONG, 30_000L, Range.between(0, 86_400_000), Importance.LOW,
                    PROCESSING_WARN_MS_DOC)
            .define(RETRY_MAX_ATTEMPTS_CONFIG, Type.INT, 3, Range.between(1, 1_000), Importance.MEDIUM,
                    RETRY_MAX_ATTEMPTS_DOC)
            .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, 100L, Range.between(0, 3_600_000), Importance.MEDIUM,
                    RETRY_BACKOFF_MS_DOC)
            .define(RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, 10_000L, Range.between(0, 3_600_000), Importance.LOW,
                    RETRY_BACKOFF_MAX_MS_DOC)
            .define(RETRY_BACKOFF_MULTIPLIER_CONFIG, Type.DOUBLE, 2.0, Range.between(1.0, 100.0), Importance.LOW,
                    RETRY_BACKOFF_MULTIPLIER_DOC)
            .define(RETRY_JITTER_CONFIG, Type.DOUBLE, 0.2, Range.between(0.0, 1.0), Importance.LOW,
                    RETRY_JITTER_DOC)
            .define(FAILURE_ACTION_CONFIG, Type.STRING, FailureAction.STOP.name(),
                    enumValidator(FailureAction.values()), Importance.HIGH, FAILURE_ACTION_DOC)
            .define(DEAD_LETTER_TOPIC_CONFIG, Type.STRING, "", Importance.MEDIUM, DEAD_LETTER_TOPIC_DOC)
            .define(TRANSACTION_HEADER_CONFIG, Type.BOOLEAN, false, Importance.LOW, TRANSACTION_HEADER_DOC)
            .define(PROVENANCE_HEADERS_CONFIG, Type.BOOLEAN, false, Importance.LOW, PROVENANCE_HEADERS_DOC)
            .define(COALESCE_MAX_BYTES_CONFIG, Type.LONG, 16L * 1024 * 1024, Range.atLeast(1024), Importance.LOW,
                    COALESCE_MAX_BYTES_DOC)
            .define(DRAIN_TIMEOUT_MS_CONFIG, Type.LONG, 5_000L, Range.between(0, 600_000), Importance.LOW,
                    DRAIN_TIMEOUT_MS_DOC)
            .define(STATE_DIR_CONFIG, Type.STRING, "", Importance.MEDIUM, STATE_DIR_DOC)
            .define(STATE_CLEANUP_DELAY_MS_CONFIG, Type.LONG, 600_000L, Range.atLeast(0), Importance.LOW,
                    STATE_CLEANUP_DELAY_MS_DOC)
            .define(STATE_MEMORY_BYTES_CONFIG, Type.LONG, 64L * 1024 * 1024, Range.atLeast(1024 * 1024),
                    Importance.MEDIUM, STATE_MEMORY_BYTES_DOC)
            .define(CHANGELOG_REPLICATION_FACTOR_CONFIG, Type.INT, -1, Range.between(-1, Short.MAX_VALUE),
                    Importance.LOW, CHANGELOG_REPLICATION_FACTOR_DOC);

    /** Letters, digits, '.', '_' and '-' (they end up in group and transactional ids); empty if allowed. */
    private static ConfigDef.Validator identifier(boolean emptyAllowed) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String v = (String) value;
                if (emptyAllowed && (v == null || v.isEmpty())) {
                    return;
                }
                if (v == null || !v.matches("[A-Za-z0-9._-]+")) {
                    throw new ConfigException(name, value, (emptyAllowed ? "" : "must be non-empty and ")
                            + "must use only letters, digits, '.', '_' and '-'");
                }
            }

            @Override
            public String toString() {
                return emptyAllowed ? "empty or [A-Za-z0-9._-]+" : "[A-Za-z0-9._-]+";
            }
        };
    }

    private static ConfigDef.Validator enumValidator(Enum<?>[] values) {
        java.util.List<String> names = new ArrayList<>();
        for (Enum<?> v : values) {
            names.add(v.name());
        }
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || !names.contains(((String) value).trim().toUpperCase(Locale.ROOT))) {
                    throw new ConfigException(name, value, "must be one of " + names);
                }
            }

            @Override
            public String toString() {
                return String.join(", ", names);
            }
        };
    }


    private final Map<String, Object> originals;

    /**
     * Parses and validates a configuration.
     *
     * @throws ConfigException if a value is missing, has the wrong type, is out of range, or contradicts a
     *     setting that exactly-once depends on
     */
    public EosConfig(Map<String, ?> props) {
        super(CONFIG, props, false);
        this.originals = new LinkedHashMap<>(props);
        validateCrossSettings();
    }

    /** The definition of every key, for tools and the generated reference. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    private void validateCrossSettings() {
        long interval = getLong(COMMIT_INTERVAL_MS_CONFIG);
        int txTimeout = getInt(TRANSACTION_TIMEOUT_MS_CONFIG);
        if (txTimeout <= interval) {
            throw new ConfigException(TRANSACTION_TIMEOUT_MS_CONFIG, txTimeout,
                    "must be larger than " + COMMIT_INTERVAL_MS_CONFIG + " (" + interval + " ms), or every "
                    + "transaction could be aborted by the broker before it commits");
        }
        long drain = getLong(DRAIN_TIMEOUT_MS_CONFIG);
        if (drain >= txTimeout) {
            throw new ConfigException(DRAIN_TIMEOUT_MS_CONFIG, drain, "must be below " + TRANSACTION_TIMEOUT_MS_CONFIG
                    + " (" + txTimeout + " ms), or the broker could abort a transaction while a rebalance or a close "
                    + "drains it");
        }
        if (failureAction() == FailureAction.DEAD_LETTER && deadLetterTopic().isEmpty()) {
            throw new ConfigException(DEAD_LETTER_TOPIC_CONFIG, "",
                    "must name a topic when " + FAILURE_ACTION_CONFIG + "=DEAD_LETTER");
        }
        if (getLong(RETRY_BACKOFF_MAX_MS_CONFIG) < getLong(RETRY_BACKOFF_MS_CONFIG)) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS_CONFIG, getLong(RETRY_BACKOFF_MAX_MS_CONFIG),
                    "must be at least " + RETRY_BACKOFF_MS_CONFIG + " (" + getLong(RETRY_BACKOFF_MS_CONFIG) + ")");
        }
        ClientSettingsCheck.check(originals, CONSUMER_PREFIX, PRODUCER_PREFIX, ADMIN_PREFIX);
        checkForced(CONSUMER_PREFIX, Settings.FORCED_CONSUMER);
        checkForced(PRODUCER_PREFIX, Settings.FORCED_PRODUCER);
        reject(CONSUMER_PREFIX + ConsumerConfig.GROUP_ID_CONFIG, "the group id is " + APPLICATION_ID_CONFIG);
        reject(PRODUCER_PREFIX + ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "the transactional id is derived from " + APPLICATION_ID_CONFIG + " and " + INSTANCE_ID_CONFIG);
        for (String prefix : List.of(CONSUMER_PREFIX, PRODUCER_PREFIX)) {
            for (String serdeKey : List.of("key.deserializer", "value.deserializer", "key.serializer",
                    "value.serializer")) {
                reject(prefix + serdeKey, "serdes are given to the pipeline builder");
            }
        }
        Object tx = originals.get(PRODUCER_PREFIX + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        if (tx != null) {
            throw new ConfigException(PRODUCER_PREFIX + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, tx,
                    "set " + TRANSACTION_TIMEOUT_MS_CONFIG + " instead");
        }
        Object inflight = originals.get(PRODUCER_PREFIX + ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inflight != null && Integer.parseInt(inflight.toString().trim()) > 5) {
            throw new ConfigException(PRODUCER_PREFIX + ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                    inflight, "must be at most 5 for the idempotent producer that exactly-once needs");
        }
        for (String key : originals.keySet()) {
            if (!CONFIG.names().contains(key) && !key.startsWith(CONSUMER_PREFIX) && !key.startsWith(PRODUCER_PREFIX)
                    && !key.startsWith(ADMIN_PREFIX)) {
                throw new ConfigException(key, originals.get(key), "unknown key: not an eos setting, and not a "
                        + "client setting with a consumer., producer. or admin. prefix" + suggestion(key));
            }
        }
    }

    /** For an unknown key: the eos setting it is a typo of, or the prefix a client setting needs; or nothing. */
    private static String suggestion(String key) {
        String near = ClientSettingsCheck.nearest(key, CONFIG.names());
        if (near != null) {
            return "; did you mean '" + near + "'?";
        }
        if (ConsumerConfig.configNames().contains(key)) {
            return "; did you mean '" + CONSUMER_PREFIX + key + "'?";
        }
        return ProducerConfig.configNames().contains(key) ? "; did you mean '" + PRODUCER_PREFIX + key + "'?" : "";
    }

    private void checkForced(String prefix, Map<String, String> forced) {
        forced.forEach((key, required) -> {
            Object value = originals.get(prefix + key);
            if (value == null) {
                return;
            }
            String v = value.toString().trim().toLowerCase(Locale.ROOT);
            boolean same = v.equals(required) || (key.equals(ProducerConfig.ACKS_CONFIG) && v.equals("-1"));
            if (!same) {
                throw new ConfigException(prefix + key, value, "exactly-once requires " + key + "=" + required);
            }
        });
    }

    private void reject(String key, String why) {
        if (originals.containsKey(key)) {
            throw new ConfigException(key, originals.get(key), "set by the pipeline: " + why);
        }
    }

    private FailureAction failureAction() {
        return FailureAction.valueOf(getString(FAILURE_ACTION_CONFIG).trim().toUpperCase(Locale.ROOT));
    }

    private String deadLetterTopic() {
        return getString(DEAD_LETTER_TOPIC_CONFIG).trim();
    }

    /**
     * The configuration reference as Markdown: one row per key with its type, default, valid values and
     * documentation. {@code docs/configuration.md} holds its output.
     */
    public static String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Configuration reference\n\n")
          .append("Generated from `dev.eos.EosConfig` (run `./eos config-doc > docs/configuration.md`); "
                  + "a unit test fails when this file is out of date.\n\n")
          .append("Kafka client settings pass through with a prefix: `consumer.`, `producer.` or `admin.`. ")
          .append("The pipeline sets `isolation.level=read_committed`, `enable.auto.commit=false`, ")
          .append("`enable.idempotence=true`, `acks=all`, the group id (`application.id`) and the transactional ")
          .append("ids (`<application.id>-<instance.id>-0` and `-1`); an override that contradicts them is rejected when the ")
          .append("pipeline is built. It defaults `consumer.auto.offset.reset` to `earliest` and ")
          .append("`producer.linger.ms` to 5. Prefixed values are checked against the client's own definitions ")
          .append("when the pipeline is built (`consumer.max.poll.records=abc` fails there, naming the key); a ")
          .append("prefixed key the client does not define fails with \"did you mean ...\" when it is within two ")
          .append("edits of one it does, and is otherwise passed through with a WARN (for plugins, interceptors and ")
          .append("config providers). An unknown key without a prefix fails, with the nearest eos key or the ")
          .append("prefix it needs.\n\n")
          .append("| key | type | default | valid values | importance | description |\n")
          .append("|---|---|---|---|---|---|\n");
        List<ConfigDef.ConfigKey> keys = new ArrayList<>(CONFIG.configKeys().values());
        for (ConfigDef.ConfigKey k : keys) {
            String def = !k.hasDefault() ? "(required)" : (k.defaultValue == null || "".equals(k.defaultValue)
                    ? "\"\"" : String.valueOf(k.defaultValue));
            sb.append("| `").append(k.name).append("` | ").append(k.type.name().toLowerCase(Locale.ROOT))
              .append(" | ").append(def).append(" | ")
              .append(k.validator == null ? "" : k.validator.toString().replace("|", "\\|"))
              .append(" | ").append(k.importance.name().toLowerCase(Locale.ROOT))
              .append(" | ").append(k.documentation).append(" |\n");
        }
        return sb.toString();
    }
}
