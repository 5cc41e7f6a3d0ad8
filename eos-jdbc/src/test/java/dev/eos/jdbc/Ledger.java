package dev.eos.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The ledger the sink tests write: transfers between accounts ({@code opId,from,to,amount}, keyed by the source
 * account) applied to a {@code balances} table (no balance below zero) and recorded in {@code applied_ops}, which
 * has no key, so a transfer applied twice shows as two rows instead of a refusal.
 */
final class Ledger {

    final String balances;
    final String applied;
    final DataSource db;

    Ledger(DataSource db, String name) {
        this.db = db;
        this.balances = name + "_balances";
        this.applied = name + "_applied_ops";
    }

    void create(int accounts, long balance) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + balances + " (account TEXT PRIMARY KEY, balance BIGINT NOT NULL "
                    + "CHECK (balance >= 0))");
            s.execute("CREATE TABLE " + applied + " (op_id BIGINT NOT NULL)");
            for (int i = 0; i < accounts; i++) {
                s.execute("INSERT INTO " + balances + " VALUES ('" + account(i) + "', " + balance + ")");
            }
        }
    }

    static String account(int i) {
        return "acct-" + i;
    }

    /** The statements of one transfer. */
    void apply(String transfer, Statements sql) {
        String[] f = transfer.split(",");
        long amount = Long.parseLong(f[3]);
        sql.add("UPDATE " + balances + " SET balance = balance - ? WHERE account = ?", amount, f[1])
                .add("UPDATE " + balances + " SET balance = balance + ? WHERE account = ?", amount, f[2])
                .add("INSERT INTO " + applied + " (op_id) VALUES (?)", Long.parseLong(f[0]));
    }

    /** Writes transfers {@code from..to-1}; {@code amount} gives each one's amount. */
    static List<String> produce(String bootstrap, String topic, int from, int to, int accounts,
            java.util.function.IntToLongFunction amount) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        List<String> sent = new java.util.ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int op = from; op < to; op++) {
                String src = account(op % accounts);
                String dst = account((op * 7 + 3) % accounts == op % accounts ? (op + 1) % accounts
                        : (op * 7 + 3) % accounts);
                String v = op + "," + src + "," + dst + "," + amount.applyAsLong(op);
                producer.send(new ProducerRecord<>(topic, src, v));
                sent.add(v);
            }
            producer.flush();
        }
        return sent;
    }

    /** The balances the transfers lead to from {@code balance} each, leaving out the ops in {@code refused}. */
    static Map<String, Long> expected(List<String> transfers, int accounts, long balance,
            java.util.Set<Long> refused) {
        Map<String, Long> out = new TreeMap<>();
        for (int i = 0; i < accounts; i++) {
            out.put(account(i), balance);
        }
        for (String t : transfers) {
            String[] f = t.split(",");
            if (refused.contains(Long.parseLong(f[0]))) {
                continue;
            }
            long amount = Long.parseLong(f[3]);
            out.merge(f[1], -amount, Long::sum);
            out.merge(f[2], amount, Long::sum);
        }
        return out;
    }

    Map<String, Long> balances() throws SQLException {
        return query("SELECT account, balance FROM " + balances);
    }

    long appliedCount() throws SQLException {
        return scalar("SELECT count(*) FROM " + applied);
    }

    /** Op ids applied more than once, with their counts. */
    Map<String, Long> appliedTwice() throws SQLException {
        return query("SELECT op_id::text, count(*) FROM " + applied + " GROUP BY op_id HAVING count(*) > 1");
    }

    long scalar(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Map<String, Long> query(String sql) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }
}
