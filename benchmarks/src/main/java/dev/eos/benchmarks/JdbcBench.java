package dev.eos.benchmarks;

import dev.eos.Pipeline;
import dev.eos.jdbc.JdbcSink;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.LocalKafkaCluster;
import dev.eos.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Scenario jdbc ({@code ./eos bench --scenario jdbc}): Kafka into PostgreSQL. Workload: {@code --records} input
 * records (default 200,000) of 100-byte values over {@code --keys} keys (10,000), preloaded into 6 partitions; each
 * record is one row {@code (id BIGINT PRIMARY KEY, k TEXT, v TEXT)} of a table of its contender's run (one index,
 * the primary key), written by one {@code INSERT} per record. Contenders, on the same broker and the same database,
 * one after the other:
 * <ul>
 *   <li>{@code eos}: eos-jdbc, the rows and the offsets in one database transaction per commit (16 workers, KEY
 *   order);</li>
 *   <li>{@code at-least-once}: one consumer, each poll's rows as one JDBC batch in one database transaction, then
 *   {@code commitSync} (a crash between the two writes the rows again);</li>
 *   <li>{@code spring-kafka-jdbc}: a Spring Kafka listener container (one consumer thread per partition) whose
 *   listener inserts the record in a {@code DataSourceTransactionManager} transaction of its own (on a HikariCP pool
 *   of one connection per partition), the offsets committed by the container after each poll's records (best
 *   effort: a crash between the two writes the rows again).</li>
 * </ul>
 * Records/s is the input count over the time from the first row committed to the last; startup is from the start
 * to the first row. The database is a local PostgreSQL 14 ({@code LocalPostgres}, synchronous commits) unless
 * {@code --jdbc-url} names one.
 */
final class JdbcBench {

    private static final int KEYS = 10_000;

    private JdbcBench() {
    }

    record Result(double recordsPerSec, long startupMs, long rows, boolean complete) {
    }

    static void run(Map<String, String> a) throws Exception {
        long records = Long.parseLong(a.getOrDefault("records", "200000"));
        int partitions = Integer.parseInt(a.getOrDefault("partitions", "6"));
        int repeat = Integer.parseInt(a.getOrDefault("repeat", "1"));
        Duration budget = Duration.ofSeconds(Long.parseLong(a.getOrDefault("budget", "120")));
        List<String> contenders = List.of(a.getOrDefault("contenders", "eos,at-least-once,spring-kafka-jdbc")
                .split(","));
        KafkaCluster cluster = null;
        LocalPostgres pg = null;
        String bootstrap = a.get("bootstrap");
        try {
            if (bootstrap == null) {
                EndToEndBenchmark.say("starting a local 1-node Kafka cluster...");
                cluster = LocalKafkaCluster.builder().heap("1g").build().start();
                bootstrap = cluster.bootstrapServers();
            }
            DataSource db;
            if (a.get("jdbc-url") == null) {
                EndToEndBenchmark.say("starting a local PostgreSQL server...");
                pg = LocalPostgres.start();
                db = dataSource(pg.jdbcUrl());
            } else {
                db = dataSource(a.get("jdbc-url"));
            }
            String run = Long.toString(System.currentTimeMillis(), 36);
            String input = "bench-jdbc-in-" + run;
            KafkaCluster.createTopics(bootstrap, partitions, input);
            EndToEndBenchmark.say("workload: " + records + " records of 100 bytes over " + KEYS + " keys in "
                    + partitions + " partitions; one INSERT per record into (id BIGINT PRIMARY KEY, k TEXT, v TEXT)");
            EndToEndBenchmark.say("preloading the input...");
            EndToEndBenchmark.produce(bootstrap, input, 0, records, 0, Scenario.CPU);
            EndToEndBenchmark.say(String.format("%-20s %12s %10s %10s", "contender", "records/s", "startup_ms", "rows"));
            Map<String, List<Result>> results = new LinkedHashMap<>();
            for (int rep = -1; rep < repeat; rep++) { // rep -1: a warm-up of every contender, not reported
                List<String> order = new ArrayList<>(contenders);
                if (rep % 2 != 0) {
                    java.util.Collections.reverse(order);
                }
                for (String c : order) {
                    String table = "bench_" + c.replace('-', '_') + "_" + run + "_" + (rep < 0 ? "warm" : rep);
                    createTable(db, table);
                    String app = "bench-" + c + "-" + run + "-" + rep;
                    Result r = runOne(c.trim(), bootstrap, app, input, db, table, records, partitions, budget);
                    EndToEndBenchmark.say(String.format(Locale.ROOT, "%-20s %,12.0f %10d %10d%s%s", c, r.recordsPerSec,
                            r.startupMs, r.rows, r.complete ? "" : " (partial: --budget reached)",
                            rep < 0 ? " (warm-up, not reported)" : ""));
                    if (rep >= 0) {
                        results.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
                    }
                    dropTable(db, table);
                }
            }
            Map<String, Result> medians = new LinkedHashMap<>();
            results.forEach((c, list) -> {
                List<Result> sorted = new ArrayList<>(list);
                sorted.sort(Comparator.comparingDouble(Result::recordsPerSec));
                medians.put(c, sorted.get(sorted.size() / 2));
            });
            EndToEndBenchmark.say("median of " + repeat + " repetition(s):");
            medians.forEach((c, r) -> EndToEndBenchmark.say(String.format(Locale.ROOT, "%-20s %,12.0f", c,
                    r.recordsPerSec)));
            Result eos = medians.get("eos");
            StringBuilder json = new StringBuilder("{\"scenario\":\"jdbc\",\"records\":").append(records)
                    .append(",\"partitions\":").append(partitions).append(",\"results\":{");
            String sep = "";
            for (Map.Entry<String, Result> e : medians.entrySet()) {
                if (eos != null && !e.getKey().equals("eos")) {
                    EndToEndBenchmark.say(String.format(Locale.ROOT, "eos / %s: %.2fx throughput", e.getKey(),
                            eos.recordsPerSec / e.getValue().recordsPerSec));
                }
                json.append(sep).append(String.format(Locale.ROOT,
                        "\"%s\":{\"records_per_sec\":%.0f,\"startup_ms\":%d,\"complete\":%b}", e.getKey(),
                        e.getValue().recordsPerSec, e.getValue().startupMs, e.getValue().complete));
                sep = ",";
            }
            System.out.println(json.append("}}"));
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (pg != null) {
                pg.close();
            }
        }
        System.exit(0);
    }

    private static DataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        return ds;
    }

    private static void createTable(DataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, k TEXT NOT NULL, v TEXT NOT NULL)");
        }
    }

    private static void dropTable(DataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + table);
        }
    }

    private static long rows(DataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String insert(String table) {
        return "INSERT INTO " + table + " (id, k, v) VALUES (?, ?, ?)";
    }

    private static long id(String value) {
        return Long.parseLong(value.substring(0, value.indexOf(':')));
    }

    /** Runs one contender until every record is a row or the budget is spent. */
    private static Result runOne(String contender, String bootstrap, String app, String input, DataSource db,
            String table, long records, int partitions, Duration budget) throws Exception {
        long t0 = System.nanoTime();
        AutoCloseable handle = switch (contender) {
            case "eos" -> eos(bootstrap, app, input, db, table);
            case "at-least-once" -> atLeastOnce(bootstrap, app, input, db, table);
            case "spring-kafka-jdbc" -> spring(bootstrap, app, input, db, table, partitions);
            default -> throw new IllegalArgumentException("unknown contender for scenario jdbc: " + contender
                    + " (eos, at-least-once, spring-kafka-jdbc)");
        };
        long first = -1;
        long last = -1;
        long n = 0;
        long deadline = t0 + budget.toNanos();
        try {
            while (n < records && System.nanoTime() < deadline) {
                Thread.sleep(50);
                long now = rows(db, table);
                if (now > 0 && first < 0) {
                    first = System.nanoTime();
                }
                if (now > n) {
                    last = System.nanoTime();
                }
                n = now;
            }
        } finally {
            handle.close();
        }
        double secs = first < 0 || last <= first ? Double.NaN : (last - first) / 1e9;
        return new Result(n / secs, first < 0 ? -1 : (first - t0) / 1_000_000, n, n >= records);
    }

    private static AutoCloseable eos(String bootstrap, String app, String input, DataSource db, String table) {
        JdbcSink sink = JdbcSink.builder(db).offsetsTable("bench_offsets").deadLetterTable("bench_dead_letters")
                .build();
        String sql = insert(table);
        Pipeline<String, String> p = sink.pipeline(Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(bootstrap).applicationId(app).inputTopics(input)
                .config(Contender.EXTRA_EOS_CONFIG), (record, statements) ->
                statements.add(sql, id(record.value()), record.key(), record.value()));
        p.start();
        return () -> p.close(Duration.ofSeconds(30));
    }

    private static Map<String, Object> consumerConfig(String bootstrap, String app) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, app);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return c;
    }

    private static AutoCloseable atLeastOnce(String bootstrap, String app, String input, DataSource db, String table) {
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(bootstrap, app),
                    new StringDeserializer(), new StringDeserializer());
                    Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement(insert(table))) {
                c.setAutoCommit(false);
                consumer.subscribe(List.of(input));
                while (!stop.get()) {
                    var polled = consumer.poll(Duration.ofMillis(100));
                    if (polled.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<String, String> r : polled) {
                        ps.setLong(1, id(r.value()));
                        ps.setString(2, r.key());
                        ps.setString(3, r.value());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    c.commit();
                    consumer.commitSync();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "at-least-once-jdbc");
        t.start();
        return () -> {
            stop.set(true);
            t.join(30_000);
        };
    }

    private static AutoCloseable spring(String bootstrap, String app, String input, DataSource unpooled, String table,
            int partitions) {
        // a pool, as a Spring application has one: a connection per partition's listener thread
        com.zaxxer.hikari.HikariConfig pool = new com.zaxxer.hikari.HikariConfig();
        pool.setDataSource(unpooled);
        pool.setMaximumPoolSize(partitions);
        com.zaxxer.hikari.HikariDataSource db = new com.zaxxer.hikari.HikariDataSource(pool);
        DefaultKafkaConsumerFactory<String, String> consumers = new DefaultKafkaConsumerFactory<>(
                consumerConfig(bootstrap, app), new StringDeserializer(), new StringDeserializer());
        JdbcTemplate jdbc = new JdbcTemplate(db);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        String sql = insert(table);
        ContainerProperties props = new ContainerProperties(input);
        props.setMessageListener((MessageListener<String, String>) r -> tx.executeWithoutResult(status ->
                jdbc.update(sql, id(r.value()), r.key(), r.value())));
        ConcurrentMessageListenerContainer<String, String> container =
                new ConcurrentMessageListenerContainer<>(consumers, props);
        container.setConcurrency(partitions);
        container.setBeanName(app);
        container.start();
        return () -> {
            container.stop();
            db.close();
        };
    }
}
