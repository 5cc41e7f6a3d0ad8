package dev.eos.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets table: per application and input partition, the position after the last record whose results are
 * committed ({@code next_offset}) and the epoch of its owner ({@code owner_epoch}). Taking ownership bumps the
 * epoch; a commit updates the position only where the epoch is still the one it claimed, so a commit of an
 * earlier owner (a zombie) changes no row and is rolled back.
 */
final class OffsetsTable {

    private final String table;

    OffsetsTable(String table) {
        this.table = table;
    }

    String name() {
        return table;
    }

    /** The table's DDL (PostgreSQL). */
    String ddl() {
        return "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "  application VARCHAR(249) NOT NULL,\n"
                + "  topic       VARCHAR(249) NOT NULL,\n"
                + "  partition   INT          NOT NULL,\n"
                + "  next_offset BIGINT,\n"
                + "  owner_epoch BIGINT       NOT NULL,\n"
                + "  PRIMARY KEY (application, topic, partition))";
    }

    /**
     * Takes ownership of each partition (one statement each, which bumps the epoch or inserts the row) and
     * returns where each resumes; a partition without a position starts at {@code initial}'s answer, which is
     * written unless another owner wrote one meanwhile. Records the epochs claimed in {@code epochs}.
     */
    Map<TopicPartition, Long> claim(Connection c, String app, Collection<TopicPartition> partitions,
            ToLongFunction<TopicPartition> initial, Map<TopicPartition, Long> epochs) throws SQLException {
        Map<TopicPartition, Long> positions = new LinkedHashMap<>();
        String claim = "INSERT INTO " + table + " (application, topic, partition, next_offset, owner_epoch) "
                + "VALUES (?, ?, ?, NULL, 0) ON CONFLICT (application, topic, partition) DO UPDATE SET owner_epoch = "
                + table + ".owner_epoch + 1 RETURNING next_offset, owner_epoch";
        String start = "UPDATE " + table + " SET next_offset = ? WHERE application = ? AND topic = ? AND partition = ?"
                + " AND owner_epoch = ? AND next_offset IS NULL";
        try (PreparedStatement ps = c.prepareStatement(claim); PreparedStatement init = c.prepareStatement(start)) {
            for (TopicPartition tp : partitions) {
                bind(ps, 1, app, tp);
                long next;
                long epoch;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    next = rs.getLong(1);
                    if (rs.wasNull()) {
                        next = -1;
                    }
                    epoch = rs.getLong(2);
                }
                if (next < 0) {
                    next = initial.applyAsLong(tp);
                    init.setLong(1, next);
                    bind(init, 2, app, tp);
                    init.setLong(5, epoch);
                    if (init.executeUpdate() == 0) {
                        next = read(c, app, tp, next);
                    }
                }
                epochs.put(tp, epoch);
                positions.put(tp, next);
            }
        }
        return positions;
    }

    /** The committed positions of {@code partitions} (those without a row are left out). */
    Map<TopicPartition, Long> positions(Connection c, String app, Collection<TopicPartition> partitions)
            throws SQLException {
        Map<TopicPartition, Long> positions = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            long next = read(c, app, tp, -1);
            if (next >= 0) {
                positions.put(tp, next);
            }
        }
        return positions;
    }

    private long read(Connection c, String app, TopicPartition tp, long otherwise) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT next_offset FROM " + table
                + " WHERE application = ? AND topic = ? AND partition = ?")) {
            bind(ps, 1, app, tp);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return otherwise;
                }
                long next = rs.getLong(1);
                return rs.wasNull() ? otherwise : next;
            }
        }
    }

    /**
     * In the commit's transaction: sets each partition's position where the owner epoch is still the one claimed;
     * returns the partitions whose row did not match (fenced: another owner claimed them since).
     */
    Set<TopicPartition> update(Connection c, String app, Map<TopicPartition, Long> next,
            Map<TopicPartition, Long> epochs) throws SQLException {
        Set<TopicPartition> fenced = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET next_offset = ? WHERE application = ?"
                + " AND topic = ? AND partition = ? AND owner_epoch = ?")) {
            TopicPartition[] order = next.keySet().toArray(new TopicPartition[0]);
            for (TopicPartition tp : order) {
                Long epoch = epochs.get(tp);
                ps.setLong(1, next.get(tp));
                bind(ps, 2, app, tp);
                ps.setLong(5, epoch == null ? -1 : epoch);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < order.length; i++) {
                if (counts[i] != 1) {
                    fenced.add(order[i]);
                }
            }
        }
        return fenced;
    }

    private static void bind(PreparedStatement ps, int first, String app, TopicPartition tp) throws SQLException {
        ps.setString(first, app);
        ps.setString(first + 1, tp.topic());
        ps.setInt(first + 2, tp.partition());
    }
}
