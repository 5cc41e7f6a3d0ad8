package dev.eos.examples;

import dev.eos.EosConfig;
import dev.eos.FailureAction;
import dev.eos.NonRetryableException;
import dev.eos.Pipeline;
import dev.eos.jdbc.JdbcSink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Transfers between accounts applied to PostgreSQL exactly once, through eos-jdbc. The topic {@code <run>-transfers}
 * holds {@code op,from,to,amount} records keyed by the paying account; each one debits {@code from} and credits
 * {@code to} in the table {@code <run>_balances} (a balance may not go below zero) and records the op in
 * {@code <run>_applied_ops}, in the database transaction that also moves the partition's position in
 * {@code <run>_offsets}. One op in 997 overdraws (the database refuses it, and it goes to {@code <run>_dead_letters}
 * with the database's reason); one in 1009 is malformed (the processor refuses it; a dead letter too). The check
 * reads the committed input and the database: every op applied once or dead-lettered once, money conserved.
 */
public final class LedgerPostgres {

    public static final String NAME = "ledger-postgres";
    public static final String DESCRIPTION = "transfers applied to PostgreSQL balances; results and offsets in one "
            + "database transaction";
    static final int ACCOUNTS = 200;
    static final long OPENING = 100_000;
    static final int OVERDRAW_EVERY = 997;
    static final int MALFORMED_EVERY = 1009;

    private final String run;
    private final DataSource db;

    /** The ledger of run {@code run} in the database {@code db}. */
    public LedgerPostgres(String run, DataSource db) {
        this.run = run;
        this.db = db;
    }

    /** A data source of the database at {@code jdbcUrl} (PostgreSQL). */
    public static DataSource dataSource(String jdbcUrl) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        return ds;
    }

    /** The input topic. */
    public String topic() {
        return run + "-transfers";
    }

    private String table(String name) {
        return run.replaceAll("[^A-Za-z0-9_]", "_") + "_" + name;
    }

    /** Creates the balances and applied-ops tables, every account opened with the same balance, if missing. */
    public void createTables() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table("balances") + " (account TEXT PRIMARY KEY, "
                    + "balance BIGINT NOT NULL CHECK (balance >= 0))");
            s.execute("CREATE TABLE IF NOT EXISTS " + table("applied_ops") + " (op_id BIGINT NOT NULL, "
                    + "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table("balances")
                    + " VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                for (int i = 0; i < ACCOUNTS; i++) {
                    ps.setString(1, account(i));
                    ps.setLong(2, OPENING);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    static String account(int i) {
        return String.format("acct-%03d", i);
    }

    /** Writes transfers {@code from} to {@code to - 1}; transfer {@code i} is the same whenever it is written. */
    public void produce(String bootstrap, int from, int to) {
        Inputs.produce(bootstrap, topic(), from, to, i -> {
            Random random = new Random(i * 0x9E3779B97F4A7C15L);
            int payer = random.nextInt(ACCOUNTS);
            int payee = (payer + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            if (i % MALFORMED_EVERY == MALFORMED_EVERY - 1) {
                return new String[] {account(payer), i + ",malformed"};
            }
            long amount = i % OVERDRAW_EVERY == OVERDRAW_EVERY - 1 ? 10 * OPENING * ACCOUNTS : 1 + random.nextInt(50);
            return new String[] {account(payer), i + "," + account(payer) + "," + account(payee) + "," + amount};
        });
    }

    /**
     * The pipeline of one instance: {@code config} is given to the builder (the failure action is DEAD_LETTER, to
     * the dead-letter table).
     */
    public Pipeline<String, String> pipeline(String bootstrap, String instance, Map<String, Object> config) {
        JdbcSink sink = JdbcSink.builder(db).offsetsTable(table("offsets")).deadLetterTable(table("dead_letters"))
                .build();
        String balances = table("balances");
        String debit = "UPDATE " + balances + " SET balance = balance - ? WHERE account = ?";
        String credit = "UPDATE " + balances + " SET balance = balance + ? WHERE account = ?";
        String applied = "INSERT INTO " + table("applied_ops") + " (op_id) VALUES (?)";
        return sink.pipeline(Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(bootstrap).applicationId(run).instanceId(instance).inputTopics(topic())
                .config(EosConfig.FAILURE_ACTION_CONFIG, FailureAction.DEAD_LETTER.name())
                .config(EosConfig.RETRY_BACKOFF_MS_CONFIG, 10L).config(config),
                (record, sql) -> {
                    String[] f = record.value().split(",");
                    if (f.length != 4) {
                        throw new NonRetryableException("not a transfer (op,from,to,amount): " + record.value());
                    }
                    long amount = Long.parseLong(f[3]);
                    sql.add(debit, amount, f[1]).add(credit, amount, f[2]).add(applied, Long.parseLong(f[0]));
                });
    }

    /** Ops applied plus dead letters: the progress of the run. */
    public long progress() throws SQLException {
        return count("SELECT (SELECT count(*) FROM " + table("applied_ops") + ") + (SELECT count(*) FROM "
                + table("dead_letters") + ")");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Reads the committed input and the database: every op applied exactly once or dead-lettered exactly once (the
     * overdraws and the malformed ones), never both; balances equal to the ops applied; money conserved.
     */
    public Example.Check check(String bootstrap) throws SQLException {
        List<ConsumerRecord<String, String>> input = Verifier.readAll(bootstrap, topic());
        Map<String, Long> expected = new HashMap<>();
        Set<Long> refused = new HashSet<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            expected.put(account(i), OPENING);
        }
        for (ConsumerRecord<String, String> r : input) {
            String[] f = r.value().split(",");
            long op = Long.parseLong(f[0]);
            if (f.length != 4 || Long.parseLong(f[3]) > OPENING) {
                refused.add(op);
                continue;
            }
            expected.merge(f[1], -Long.parseLong(f[3]), Long::sum);
            expected.merge(f[2], Long.parseLong(f[3]), Long::sum);
        }
        Map<Long, Long> applied = counts("SELECT op_id, count(*) FROM " + table("applied_ops") + " GROUP BY op_id");
        Map<Long, Long> deadOps = counts("SELECT split_part(convert_from(record_value, 'UTF8'), ',', 1)::bigint, "
                + "count(*) FROM " + table("dead_letters") + " GROUP BY 1");
        long duplicates = 0;
        long lost = 0;
        long both = 0;
        List<String> details = new ArrayList<>();
        for (ConsumerRecord<String, String> r : input) {
            long op = Long.parseLong(r.value().split(",")[0]);
            long a = applied.getOrDefault(op, 0L);
            long d = deadOps.getOrDefault(op, 0L);
            if (a + d == 0) {
                lost++;
                note(details, "lost: op " + op + " (" + r.value() + ")");
            } else if (a > 0 && d > 0) {
                both++;
                note(details, "applied and dead-lettered: op " + op);
            } else if (a + d > 1) {
                duplicates += a + d - 1;
                note(details, (a > 1 ? "applied " + a : "dead-lettered " + d) + " times: op " + op);
            } else if (d == 1 != refused.contains(op)) {
                both++;
                note(details, (d == 1 ? "dead-lettered but valid: op " : "applied but invalid: op ") + op);
            }
        }
        Map<String, Long> balances = new HashMap<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT account, balance FROM " + table("balances"))) {
            while (rs.next()) {
                balances.put(rs.getString(1), rs.getLong(2));
            }
        }
        long money = balances.values().stream().mapToLong(Long::longValue).sum();
        long wrongBalances = expected.entrySet().stream()
                .filter(e -> !e.getValue().equals(balances.get(e.getKey()))).count();
        long appliedRows = applied.values().stream().mapToLong(Long::longValue).sum();
        long deadRows = deadOps.values().stream().mapToLong(Long::longValue).sum();
        details.add(0, "input " + input.size() + " transfers; applied " + appliedRows + ", dead letters " + deadRows
                + " (expected " + refused.size() + "); money " + money + " (opened " + OPENING * ACCOUNTS + ")"
                + "; accounts with a wrong balance " + wrongBalances);
        boolean ok = duplicates == 0 && lost == 0 && both == 0 && wrongBalances == 0 && money == OPENING * ACCOUNTS;
        String verdict = "exactly-once: " + (ok ? "OK" : "VIOLATED") + " input=" + input.size() + " output="
                + (appliedRows + deadRows) + " duplicates=" + duplicates + " lost=" + lost + " dead-letters="
                + deadRows + " misapplied=" + both + " wrong-balances=" + wrongBalances + " money="
                + (money == OPENING * ACCOUNTS ? "conserved" : money + "/" + OPENING * ACCOUNTS);
        return new Example.Check(ok, verdict, details);
    }

    private static void note(List<String> details, String line) {
        if (details.size() < 10) {
            details.add(line);
        }
    }

    private Map<Long, Long> counts(String sql) throws SQLException {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }
}
