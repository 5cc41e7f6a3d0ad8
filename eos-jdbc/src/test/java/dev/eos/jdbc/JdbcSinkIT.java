package dev.eos.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.EosConfig;
import dev.eos.FailureAction;
import dev.eos.Pipeline;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.LocalPostgres;
import dev.eos.testkit.WithKafkaCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A pipeline into a real PostgreSQL from a real broker: exactly once across rebalances, restarts and faults. */
@WithKafkaCluster
class JdbcSinkIT {

    private static LocalPostgres pg;

    @BeforeAll
    static void startPostgres() {
        pg = LocalPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    private static Pipeline<String, String> pipeline(KafkaCluster kafka, String app, String instance, String topic,
            Ledger ledger, Map<String, Object> config) {
        return pipeline(kafka, app, instance, topic, ledger, config, 0);
    }

    /** A ledger pipeline whose processor takes {@code sleepMs} per record (so that faults land mid-stream). */
    private static Pipeline<String, String> pipeline(KafkaCluster kafka, String app, String instance, String topic,
            Ledger ledger, Map<String, Object> config, long sleepMs) {
        JdbcSink sink = JdbcSink.builder(pg.dataSource()).offsetsTable(app + "_offsets")
                .deadLetterTable(app + "_dead_letters").build();
        Map<String, Object> settings = new HashMap<>(Map.of(EosConfig.COMMIT_INTERVAL_MS_CONFIG, 200,
                EosConfig.CONCURRENCY_CONFIG, 4, "consumer.session.timeout.ms", 6000,
                "consumer.heartbeat.interval.ms", 1000));
        settings.putAll(config);
        return sink.pipeline(Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(kafka.bootstrapServers()).applicationId(app).instanceId(instance)
                .inputTopics(topic).config(settings), (record, sql) -> {
                    if (sleepMs > 0) {
                        Thread.sleep(sleepMs);
                    }
                    ledger.apply(record.value(), sql);
                });
    }

    @Test
    void shouldApplyEveryTransferOnceAcrossJoinsAnAbandonedInstanceAndADatabaseRestart(KafkaCluster kafka)
            throws Exception {
        String app = "ledger_restarts";
        String topic = app + "-transfers";
        kafka.createTopics(4, topic);
        Ledger ledger = new Ledger(pg.dataSource(), app);
        ledger.create(50, 1_000_000);
        int n = 12_000;
        List<String> sent = Ledger.produce(kafka.bootstrapServers(), topic, 0, n, 50, op -> 1 + op % 13);

        Pipeline<String, String> a = pipeline(kafka, app, "a", topic, ledger, Map.of(), 1);
        Pipeline<String, String> b = pipeline(kafka, app, "b", topic, ledger, Map.of(), 1);
        Pipeline<String, String> c = pipeline(kafka, app, "c", topic, ledger, Map.of(), 1);
        try {
            a.start();
            await("a applied 2,000 transfers", () -> ledger.appliedCount() >= 2000);
            b.start();
            await("a and b applied 4,000 transfers", () -> ledger.appliedCount() >= 4000);
            a.close(Duration.ofMillis(1)); // gives up on its running commit at once: its work is taken over
            await("b applied 6,000 transfers", () -> ledger.appliedCount() >= 6000);
            pg.restart(); // every connection breaks, a commit may be cut in the middle
            await("b applied 8,000 transfers after the restart", () -> ledger.appliedCount() >= 8000);
            c.start();
            await("all transfers applied", () -> ledger.appliedCount() >= n);
            Thread.sleep(1500); // anything applied twice would show by now
        } finally {
            b.close(Duration.ofSeconds(30));
            c.close(Duration.ofSeconds(30));
            a.close(Duration.ofSeconds(5));
        }
        assertThat(b.state()).isEqualTo(Pipeline.State.STOPPED);
        assertThat(c.state()).isEqualTo(Pipeline.State.STOPPED);
        assertThat(ledger.appliedTwice()).as("transfers applied more than once").isEmpty();
        assertThat(ledger.appliedCount()).isEqualTo(n);
        assertThat(ledger.balances()).isEqualTo(Ledger.expected(sent, 50, 1_000_000, Set.of()));
        Map<String, Long> positions = ledger.query("SELECT topic || '-' || partition, next_offset FROM " + app
                + "_offsets WHERE application = '" + app + "'");
        assertThat(positions).isEqualTo(endOffsets(kafka, topic, 4));
        assertThat(ledger.scalar("SELECT count(*) FROM " + app + "_dead_letters")).isZero();
    }

    @Test
    void shouldPinAConstraintViolationOnItsRecordAndDeadLetterItInTheSameTransaction(KafkaCluster kafka)
            throws Exception {
        String app = "ledger_overdraw";
        String topic = app + "-transfers";
        kafka.createTopics(2, topic);
        Ledger ledger = new Ledger(pg.dataSource(), app);
        ledger.create(20, 100_000);
        Set<Long> overdraws = new java.util.HashSet<>(Set.of(17L, 230L, 231L, 599L));
        for (long op = 1000; op < 20_000; op += 701) {
            overdraws.add(op);
        }
        int n = 20_000;
        List<String> sent = Ledger.produce(kafka.bootstrapServers(), topic, 0, n, 20,
                op -> overdraws.contains((long) op) ? 1_000_000 : 1);
        Pipeline<String, String> p = pipeline(kafka, app, "a", topic, ledger,
                Map.of(EosConfig.FAILURE_ACTION_CONFIG, FailureAction.DEAD_LETTER.name()));
        try {
            p.start();
            await("every transfer applied or dead-lettered", () -> ledger.appliedCount()
                    + ledger.scalar("SELECT count(*) FROM " + app + "_dead_letters") >= n);
            Thread.sleep(1000);
        } finally {
            assertThat(p.close(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(p.state()).isEqualTo(Pipeline.State.STOPPED);
        assertThat(ledger.appliedTwice()).isEmpty();
        assertThat(ledger.appliedCount()).isEqualTo(n - overdraws.size());
        Map<String, Long> dead = ledger.query("SELECT split_part(convert_from(record_value, 'UTF8'), ',', 1), "
                + "count(*) FROM " + app + "_dead_letters WHERE exception_message LIKE "
                + "'%violates check constraint%' GROUP BY 1");
        assertThat(dead).containsOnlyKeys(overdraws.stream().map(String::valueOf).toList()).allSatisfy(
                (op, count) -> assertThat(count).as("dead letters of op " + op).isEqualTo(1));
        assertThat(ledger.balances()).isEqualTo(Ledger.expected(sent, 20, 100_000, overdraws));
        assertThat(ledger.scalar("SELECT sum(balance) FROM " + ledger.balances)).isEqualTo(20 * 100_000);
    }

    @Test
    void shouldStopOnAConstraintViolationNamingTheRecordAndCommitNothingOfItsTransaction(KafkaCluster kafka)
            throws Exception {
        String app = "ledger_stop";
        String topic = app + "-transfers";
        kafka.createTopics(1, topic);
        Ledger ledger = new Ledger(pg.dataSource(), app);
        ledger.create(5, 1_000);
        Ledger.produce(kafka.bootstrapServers(), topic, 0, 300, 5, op -> op == 250 ? 1_000_000 : 1);
        java.util.concurrent.CompletableFuture<Throwable> fatal = new java.util.concurrent.CompletableFuture<>();
        JdbcSink sink = JdbcSink.builder(pg.dataSource()).offsetsTable(app + "_offsets")
                .deadLetterTable(app + "_dead_letters").build();
        Pipeline<String, String> p = sink.pipeline(Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(kafka.bootstrapServers()).applicationId(app).inputTopics(topic)
                .config(EosConfig.COMMIT_MAX_RECORDS_CONFIG, 100).fatalErrorHandler(fatal::complete),
                (record, sql) -> ledger.apply(record.value(), sql));
        try {
            p.start();
            Throwable cause = fatal.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(cause).isInstanceOf(dev.eos.ProcessingException.class)
                    .hasMessageContaining("violates check constraint");
            assertThat(((dev.eos.ProcessingException) cause).offset()).isEqualTo(250);
        } finally {
            p.close(Duration.ofSeconds(10));
        }
        assertThat(p.state()).isEqualTo(Pipeline.State.FAILED);
        long applied = ledger.appliedCount();
        assertThat(applied).as("the transactions before the one of op 250").isLessThan(250);
        assertThat(ledger.scalar("SELECT max(op_id) FROM " + ledger.applied)).isEqualTo(applied - 1);
        assertThat(ledger.scalar("SELECT next_offset FROM " + app + "_offsets")).isEqualTo(applied);
        assertThat(ledger.scalar("SELECT sum(balance) FROM " + ledger.balances)).isEqualTo(5 * 1_000);
    }

    private static Map<String, Long> endOffsets(KafkaCluster kafka, String topic, int partitions) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Map<String, Long> out = new java.util.TreeMap<>();
            List<TopicPartition> tps = java.util.stream.IntStream.range(0, partitions)
                    .mapToObj(i -> new TopicPartition(topic, i)).toList();
            consumer.endOffsets(tps).forEach((tp, end) -> out.put(tp.toString(), end));
            return out;
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (java.sql.SQLException databaseDown) {
                // the test restarts the database: ask again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting until " + what);
    }
}
