package dev.eos.internals.runtime;

import dev.eos.EosConfig;
import dev.eos.FailureAction;
import dev.eos.Ordering;
import dev.eos.internals.failure.RetryPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The typed view of a validated {@link EosConfig} that the runtime reads, and the Kafka client configurations
 * derived from it. One instance per pipeline: it fixes the instance id (a random one when none is configured),
 * so every client and log line of the pipeline names the same ids.
 */
public final class Settings {

    /** Consumer settings the pipeline sets itself; an override must agree or is rejected. */
    public static final Map<String, String> FORCED_CONSUMER = Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    /** Producer settings the pipeline sets itself; an override must agree or is rejected. */
    public static final Map<String, String> FORCED_PRODUCER = Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.ACKS_CONFIG, "all");

    private final EosConfig config;
    private final String instanceId;
    // read on every iteration of the poll loop
    private final long commitIntervalMs;
    private final boolean commitEager;
    private final long commitEagerMinMs;
    private final int commitMaxRecords;

    public Settings(EosConfig config) {
        this.config = config;
        String id = config.getString(EosConfig.INSTANCE_ID_CONFIG);
        this.instanceId = id == null || id.isEmpty() ? UUID.randomUUID().toString() : id;
        this.commitIntervalMs = config.getLong(EosConfig.COMMIT_INTERVAL_MS_CONFIG);
        this.commitEager = config.getBoolean(EosConfig.COMMIT_EAGER_CONFIG);
        this.commitEagerMinMs = config.getLong(EosConfig.COMMIT_EAGER_MIN_MS_CONFIG);
        this.commitMaxRecords = config.getInt(EosConfig.COMMIT_MAX_RECORDS_CONFIG);
    }

    public String applicationId() {
        return config.getString(EosConfig.APPLICATION_ID_CONFIG);
    }

    public String instanceId() {
        return instanceId;
    }

    public List<String> bootstrapServers() {
        return config.getList(EosConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** The transactional id of one of the two producers ({@code slot} 0 or 1). */
    public String transactionalId(int slot) {
        return applicationId() + "-" + instanceId + "-" + slot;
    }

    /** Both transactional ids, slot 0 first. */
    public List<String> transactionalIds() {
        return List.of(transactionalId(0), transactionalId(1));
    }

    public long commitIntervalMs() {
        return commitIntervalMs;
    }

    public boolean commitEager() {
        return commitEager;
    }

    public long commitEagerMinMs() {
        return commitEagerMinMs;
    }

    public int commitMaxRecords() {
        return commitMaxRecords;
    }

    public int transactionTimeoutMs() {
        return config.getInt(EosConfig.TRANSACTION_TIMEOUT_MS_CONFIG);
    }

    public int maxConsecutiveAborts() {
        return config.getInt(EosConfig.MAX_ABORTS_CONFIG);
    }

    public Ordering ordering() {
        return Ordering.valueOf(config.getString(EosConfig.ORDERING_CONFIG).trim().toUpperCase(Locale.ROOT));
    }

    public int concurrency() {
        return config.getInt(EosConfig.CONCURRENCY_CONFIG);
    }

    public int maxInFlightRecords() {
        return config.getInt(EosConfig.MAX_IN_FLIGHT_CONFIG);
    }

    public long maxInFlightBytes() {
        return config.getLong(EosConfig.MAX_IN_FLIGHT_BYTES_CONFIG);
    }

    public long processingTimeoutMs() {
        return config.getLong(EosConfig.PROCESSING_TIMEOUT_MS_CONFIG);
    }

    public long processingWarnMs() {
        return config.getLong(EosConfig.PROCESSING_WARN_MS_CONFIG);
    }

    public FailureAction failureAction() {
        return FailureAction.valueOf(config.getString(EosConfig.FAILURE_ACTION_CONFIG).trim()
                .toUpperCase(Locale.ROOT));
    }

    public String deadLetterTopic() {
        return config.getString(EosConfig.DEAD_LETTER_TOPIC_CONFIG).trim();
    }

    /** Whether outputs carry the transaction header: asked for, or implied by the provenance headers. */
    public boolean transactionHeader() {
        return config.getBoolean(EosConfig.TRANSACTION_HEADER_CONFIG) || provenanceHeaders();
    }

    /** The memory of the values held for coalesced output topics, in bytes. */
    public long coalesceMaxBytes() {
        return config.getLong(EosConfig.COALESCE_MAX_BYTES_CONFIG);
    }

    public boolean provenanceHeaders() {
        return config.getBoolean(EosConfig.PROVENANCE_HEADERS_CONFIG);
    }

    /** {@code state.dir}, or {@code <java.io.tmpdir>/eos-state}. */
    public java.nio.file.Path stateDir() {
        String dir = config.getString(EosConfig.STATE_DIR_CONFIG);
        return dir == null || dir.isBlank() ? java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "eos-state")
                : java.nio.file.Path.of(dir);
    }

    public long stateCleanupDelayMs() {
        return config.getLong(EosConfig.STATE_CLEANUP_DELAY_MS_CONFIG);
    }

    public long stateMemoryBytes() {
        return config.getLong(EosConfig.STATE_MEMORY_BYTES_CONFIG);
    }

    public int changelogReplicationFactor() {
        return config.getInt(EosConfig.CHANGELOG_REPLICATION_FACTOR_CONFIG);
    }

    /**
     * The configuration of the restore consumers: no group, no auto commit, {@code isolation} as given; the user's
     * consumer settings apply.
     */
    public Map<String, Object> restoreConsumerConfigs(String isolation, String suffix) {
        Map<String, Object> c = consumerConfigs();
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
        c.remove(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId() + "-" + instanceId + "-" + suffix);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10); // the last fetch of a restore may find nothing new
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024); // a restore reads whole logs
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        return c;
    }

    public long drainTimeoutMs() {
        return config.getLong(EosConfig.DRAIN_TIMEOUT_MS_CONFIG);
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(config.getInt(EosConfig.RETRY_MAX_ATTEMPTS_CONFIG),
                config.getLong(EosConfig.RETRY_BACKOFF_MS_CONFIG), config.getLong(EosConfig.RETRY_BACKOFF_MAX_MS_CONFIG),
                config.getDouble(EosConfig.RETRY_BACKOFF_MULTIPLIER_CONFIG), config.getDouble(EosConfig.RETRY_JITTER_CONFIG));
    }

    /** The consumer's max.poll.records, as configured or Kafka's default. */
    public int maxPollRecords() {
        Object v = consumerConfigs().get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
        return v == null ? ConsumerConfig.DEFAULT_MAX_POLL_RECORDS : Integer.parseInt(v.toString().trim());
    }

    /** The producers' max.request.size, as configured or Kafka's default (1 MiB). */
    public int maxRequestSize() {
        Object v = producerConfigs(0).get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return v == null ? 1_048_576 : Integer.parseInt(v.toString().trim());
    }

    public Map<String, Object> consumerConfigs() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId() + "-" + instanceId + "-consumer");
        c.putAll(config.originalsWithPrefix(EosConfig.CONSUMER_PREFIX));
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId());
        c.putAll(FORCED_CONSUMER);
        return c;
    }

    /** The configuration of producer {@code slot} (0 or 1); a user's client.id gets the slot appended. */
    public Map<String, Object> producerConfigs(int slot) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.putAll(config.originalsWithPrefix(EosConfig.PRODUCER_PREFIX));
        Object clientId = c.get(ProducerConfig.CLIENT_ID_CONFIG);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId == null ? transactionalId(slot) + "-producer"
                : clientId + "-" + slot);
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(slot));
        c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, transactionTimeoutMs());
        c.putAll(FORCED_PRODUCER);
        return c;
    }

    public Map<String, Object> adminConfigs() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(CommonClientConfigs.CLIENT_ID_CONFIG, applicationId() + "-" + instanceId + "-admin");
        c.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        c.putAll(config.originalsWithPrefix(EosConfig.ADMIN_PREFIX));
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return c;
    }
}
