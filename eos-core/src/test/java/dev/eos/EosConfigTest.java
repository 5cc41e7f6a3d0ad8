package dev.eos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eos.internals.runtime.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class EosConfigTest {

    private static Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", "127.0.0.1:9092");
        m.put("application.id", "app");
        return m;
    }

    private static EosConfig with(String key, Object value) {
        Map<String, Object> m = base();
        m.put(key, value);
        return new EosConfig(m);
    }

    @Test
    void shouldForceTheSettingsExactlyOnceDependsOn() {
        EosConfig c = with("instance.id", "w1");
        assertThat(new Settings(c).consumerConfigs()).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false").containsEntry("group.id", "app");
        assertThat(new Settings(c).producerConfigs(0)).containsEntry("enable.idempotence", "true").containsEntry("acks", "all")
                .containsEntry("transactional.id", "app-w1-0").containsEntry("transaction.timeout.ms", 10_000);
        assertThat(new Settings(c).producerConfigs(1)).containsEntry("transactional.id", "app-w1-1");
    }

    @Test
    void shouldRejectReadUncommittedNamingTheKey() {
        assertThatThrownBy(() -> with("consumer.isolation.level", "read_uncommitted"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("consumer.isolation.level").hasMessageContaining("read_committed");
    }

    @Test
    void shouldRejectContradictingProducerSettings() {
        assertThatThrownBy(() -> with("producer.acks", "1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("producer.acks");
        assertThatThrownBy(() -> with("producer.enable.idempotence", false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("enable.idempotence");
        assertThatThrownBy(() -> with("producer.transactional.id", "x")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("producer.transactional.id");
        assertThatThrownBy(() -> with("consumer.enable.auto.commit", "true")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> with("consumer.group.id", "other")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("application.id");
        assertThatThrownBy(() -> with("producer.max.in.flight.requests.per.connection", 6))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldAcceptOverridesThatAgree() {
        EosConfig c = with("producer.acks", "-1");
        assertThat(new Settings(c).producerConfigs(0)).containsEntry("acks", "all");
        assertThat(new Settings(with("consumer.max.poll.records", 10)).consumerConfigs()).containsEntry("max.poll.records", 10);
    }

    @Test
    void shouldRejectTransactionTimeoutNotAboveCommitInterval() {
        Map<String, Object> m = base();
        m.put("commit.interval.ms", 5000);
        m.put("transaction.timeout.ms", 5000);
        assertThatThrownBy(() -> new EosConfig(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("transaction.timeout.ms").hasMessageContaining("commit.interval.ms");
    }

    @Test
    void shouldRejectMissingAndMalformedRequiredKeys() {
        Map<String, Object> m = base();
        m.remove("application.id");
        assertThatThrownBy(() -> new EosConfig(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("application.id");
        assertThatThrownBy(() -> with("application.id", "has space")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> with("commit.interval.ms", 0)).isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldRejectADrainTimeoutNotBelowTheTransactionTimeoutNamingBothKeys() {
        Map<String, Object> m = base();
        m.put("transaction.timeout.ms", 5000);
        m.put("drain.timeout.ms", 5000);
        assertThatThrownBy(() -> new EosConfig(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("drain.timeout.ms").hasMessageContaining("transaction.timeout.ms");
        m.put("drain.timeout.ms", 4999);
        assertThat(new EosConfig(m).getLong("drain.timeout.ms")).isEqualTo(4999L);
    }

    @Test
    void shouldNameTheTransactionalIdsTheProducersUse() {
        Map<String, Object> m = base();
        m.put("instance.id", "w7");
        Settings s = new Settings(new EosConfig(m));
        assertThat(s.transactionalIds()).containsExactly("app-w7-0", "app-w7-1");
        assertThat(s.transactionalIds()).containsExactly((String) s.producerConfigs(0).get("transactional.id"),
                (String) s.producerConfigs(1).get("transactional.id"));
        Pipeline<String, String> p = Pipeline.builder(org.apache.kafka.common.serialization.Serdes.String(),
                org.apache.kafka.common.serialization.Serdes.String()).config(m).inputTopics("in")
                .processor((r, c) -> { }).build();
        assertThat(p.transactionalIds()).containsExactly("app-w7-0", "app-w7-1");
    }

    @Test
    void shouldGiveEachProducerItsOwnClientIdEvenWhenTheUserSetsOne() {
        Settings s = new Settings(with("producer.client.id", "mine"));
        assertThat(s.producerConfigs(0)).containsEntry("client.id", "mine-0");
        assertThat(s.producerConfigs(1)).containsEntry("client.id", "mine-1");
    }

    @Test
    void shouldRejectUnknownUnprefixedKeys() {
        assertThatThrownBy(() -> with("isolation.level", "read_committed")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("consumer.");
    }

    /**
     * Client settings are checked against the clients' own definitions when the pipeline is built, naming the key
     * as written: a bad value, a typo (with a suggestion), an unknown eos key (with the nearest one, or the prefix
     * a client setting needs).
     */
    @Test
    void shouldCheckClientSettingsAndSuggestTheKeyATypoMeant() {
        assertThatThrownBy(() -> with("consumer.max.poll.records", "abc")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("consumer.max.poll.records").hasMessageContaining("abc")
                .hasMessageContaining("int");
        assertThatThrownBy(() -> with("consumer.max.poll.records", 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("consumer.max.poll.records").hasMessageContaining("at least 1");
        assertThatThrownBy(() -> with("consumer.max.poll.record", 10)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("consumer.max.poll.record")
                .hasMessageContaining("did you mean 'consumer.max.poll.records'?");
        assertThatThrownBy(() -> with("producer.lingr.ms", 10)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("did you mean 'producer.linger.ms'?");
        assertThatThrownBy(() -> with("admin.request.timout.ms", 10)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("did you mean 'admin.request.timeout.ms'?");
        assertThatThrownBy(() -> with("comit.interval.ms", 10)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("did you mean 'commit.interval.ms'?");
        assertThatThrownBy(() -> with("max.poll.records", 10)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("did you mean 'consumer.max.poll.records'?");
        // a key far from every client setting passes through (interceptors and plugins read their own keys)
        assertThat(with("consumer.my.interceptor.endpoint", "http://x").originals())
                .containsKey("consumer.my.interceptor.endpoint");
        assertThat(with("consumer.max.poll.records", "100").originals()).containsEntry("consumer.max.poll.records",
                "100");
    }

    @Test
    void shouldPickARandomInstanceIdWhenNoneIsGiven() {
        assertThat(new Settings(new EosConfig(base())).transactionalId(0)).startsWith("app-").endsWith("-0")
                .isNotEqualTo(new Settings(new EosConfig(base())).transactionalId(0));
    }

    @Test
    void shouldKeepTheGeneratedConfigurationReferenceUpToDate() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        assertThat(doc).exists();
        assertThat(Files.readString(doc))
                .as("docs/configuration.md is stale: regenerate it with ./eos config-doc > docs/configuration.md")
                .isEqualTo(EosConfig.toMarkdown());
    }
}
