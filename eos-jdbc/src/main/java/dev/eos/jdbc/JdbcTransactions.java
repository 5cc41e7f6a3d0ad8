package dev.eos.jdbc;

import dev.eos.FailureAction;
import dev.eos.ProcessingException;
import dev.eos.SinkFencedException;
import dev.eos.TransactionalSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database side of a JDBC sink pipeline: claims partitions in the offsets table, reads their positions, and
 * commits each batch of records in one database transaction: their statements in order (consecutive statements
 * with the same text as one JDBC batch), their dead letters, and the offsets, updated only where this instance's
 * owner epoch still holds. A constraint violation is pinned on its record by running the batch again behind
 * savepoints (see {@link #writePinned}); that record takes {@code failure.action}. A transient failure (serialization, deadlock,
 * lost connection) rolls back, waits a backoff and asks the pipeline to rewind. The commit connection is kept
 * between commits and replaced after any failure; claims and reads take a connection of their own.
 */
final class JdbcTransactions implements TransactionalSink {

    private static final Logger log = LoggerFactory.getLogger(JdbcTransactions.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final DataSource dataSource;
    private final OffsetsTable offsets;
    private final DeadLetterTable deadLetters;
    private final boolean createTables;
    private final int isolation;
    private final String output;
    private final StatementCodec codec = new StatementCodec();
    /** The owner epoch claimed per partition: written on the poll thread, read by commits. */
    private final Map<TopicPartition, Long> epochs = new ConcurrentHashMap<>();
    private String app;
    private FailureAction failureAction;
    private JdbcMetrics metrics = new JdbcMetrics(null, "");
    /** The committer thread's connection, or null after a failure. */
    private Connection connection;
    private long backoffMs;

    JdbcTransactions(DataSource dataSource, OffsetsTable offsets, DeadLetterTable deadLetters, boolean createTables,
            int isolation, String output) {
        this.dataSource = dataSource;
        this.offsets = offsets;
        this.deadLetters = deadLetters;
        this.createTables = createTables;
        this.isolation = isolation;
        this.output = output;
    }

    @Override
    public void open(String applicationId, FailureAction action, MeterRegistry registry) throws SQLException {
        this.app = applicationId;
        this.failureAction = action;
        this.metrics = new JdbcMetrics(registry, applicationId);
        if (createTables) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                offsets.create(c);
                deadLetters.create(c);
            } catch (SQLException e) {
                throw new SQLException("Cannot create the tables " + offsets.name() + " and " + deadLetters.name()
                        + " (set createTables(false) if they are managed elsewhere): " + e.getMessage(),
                        e.getSQLState(), e);
            }
        }
    }

    @Override
    public Map<TopicPartition, Long> claim(Collection<TopicPartition> partitions,
            ToLongFunction<TopicPartition> initial) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return offsets.claim(c, app, partitions, initial, epochs);
        } catch (SQLException e) {
            throw failure(e, "claiming " + partitions + " in " + offsets.name());
        }
    }

    @Override
    public Map<TopicPartition, Long> positions(Collection<TopicPartition> partitions) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return offsets.positions(c, app, partitions);
        } catch (SQLException e) {
            throw failure(e, "reading the positions of " + partitions + " from " + offsets.name());
        }
    }

    @Override
    public void commit(List<? extends Record> records, Map<TopicPartition, Long> nextOffsets) throws Exception {
        long t0 = System.nanoTime();
        List<List<Statements>> work = new ArrayList<>(records.size());
        long dead = 0;
        for (Record r : records) {
            work.add(statementsOf(r));
            dead += r.outputs().stream().filter(o -> DEAD_LETTERS.equals(o.topic())).count();
        }
        Connection c = null;
        try {
            c = connection();
            Written written;
            try {
                written = write(c, work);
            } catch (SQLException e) {
                rollbackQuietly(c);
                if (!SqlErrors.isConstraintViolation(e)) {
                    throw e;
                }
                metrics.rolledBack("constraint");
                log.info("[app={}] a statement violated a constraint ({}); running the batch of {} record(s) again "
                        + "behind savepoints to find which", app, SqlErrors.reason(e).getMessage(),
                        records.size());
                written = writePinned(c, records, work);
            }
            Set<TopicPartition> fenced = offsets.update(c, app, nextOffsets, epochs);
            if (!fenced.isEmpty()) {
                rollbackQuietly(c);
                metrics.rolledBack("fenced");
                metrics.fenced(fenced.size());
                throw new SinkFencedException("Another owner claimed " + fenced + " in " + offsets.name()
                        + " since this instance did; the commit was rolled back", fenced);
            }
            c.commit();
            backoffMs = 0;
            metrics.committed(System.nanoTime() - t0, written.statements, written.rows,
                    dead + (failureAction == FailureAction.DEAD_LETTER ? written.pinned : 0));
        } catch (SQLException e) {
            String cause = SqlErrors.cause(e);
            metrics.rolledBack(cause);
            dropConnection();
            if (!SqlErrors.isTransient(e)) {
                throw new SQLException("The database refused a commit of " + records.size() + " record(s) (" + cause
                        + ", SQLState " + e.getSQLState() + "): " + e.getMessage(), e.getSQLState(), e);
            }
            backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, backoffMs * 2));
            log.warn("[app={}] database transaction failed ({}: {}); rolled back, rewinding to the positions in {} "
                    + "after {} ms", app, cause, e.getMessage(), offsets.name(), backoffMs);
            Thread.sleep(backoffMs);
            throw new JdbcRetriableException("Database transaction failed (" + cause + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (c != null) {
                rollbackQuietly(c);
            }
            throw e;
        }
    }

    /** The statements a record leaves: its results, or its dead letter. */
    private List<Statements> statementsOf(Record r) {
        List<Statements> out = new ArrayList<>(1);
        for (ProducerRecord<byte[], byte[]> o : r.outputs()) {
            if (output.equals(o.topic())) {
                out.add(codec.deserialize(o.topic(), o.value()));
            } else if (DEAD_LETTERS.equals(o.topic())) {
                out.add(deadLetters.insert(app, r.input(), o.headers()));
            }
        }
        return out;
    }

    /** What a transaction's statements did: statements run, rows changed, records that took the failure action. */
    private record Written(long statements, long rows, long pinned) {
    }

    /** Runs every record's statements in order, consecutive ones with the same text as one batch. */
    private Written write(Connection c, List<List<Statements>> work) throws SQLException {
        Batcher b = new Batcher(c);
        for (List<Statements> record : work) {
            for (Statements s : record) {
                b.add(s);
            }
        }
        b.flush();
        return new Written(b.statements, b.rows, 0);
    }

    /**
     * Runs the records again to find the ones that violate a constraint, with the outcome of a savepoint per record
     * in input order: a group of consecutive records runs as one batch behind a savepoint; a group that fails is
     * rolled back to it and split in two, down to the single record at fault, which takes the failure action (a dead
     * letter in this transaction, a skip, or a stop). Each record is applied after every earlier record that was
     * kept, as if one savepoint per record ran, in about log2(records) batches per violating record.
     */
    private Written writePinned(Connection c, List<? extends Record> records, List<List<Statements>> work)
            throws SQLException {
        long[] totals = new long[3]; // statements, rows, pinned
        pin(c, records, work, 0, records.size(), totals);
        return new Written(totals[0], totals[1], totals[2]);
    }

    private void pin(Connection c, List<? extends Record> records, List<List<Statements>> work, int from, int to,
            long[] totals) throws SQLException {
        if (from >= to) {
            return;
        }
        Savepoint sp = c.setSavepoint();
        Batcher b = new Batcher(c);
        try {
            for (int i = from; i < to; i++) {
                for (Statements s : work.get(i)) {
                    b.add(s);
                }
            }
            b.flush();
            c.releaseSavepoint(sp);
            totals[0] += b.statements;
            totals[1] += b.rows;
            return;
        } catch (SQLException e) {
            if (!SqlErrors.isConstraintViolation(e)) {
                throw e;
            }
            c.rollback(sp);
            if (to - from > 1) {
                int mid = (from + to) >>> 1;
                pin(c, records, work, from, mid, totals);
                pin(c, records, work, mid, to, totals);
                return;
            }
            takeFailureAction(c, records.get(from).input(), SqlErrors.reason(e));
            totals[2]++;
        }
    }

    /** A record the database refuses on its own takes {@code failure.action}. */
    private void takeFailureAction(Connection c, ConsumerRecord<byte[], byte[]> input, SQLException reason)
            throws SQLException {
        String at = input.topic() + "-" + input.partition() + "@" + input.offset();
        switch (failureAction) {
            case DEAD_LETTER:
                log.warn("[app={}] record {} violates a constraint of the database, writing it to {}: {}", app, at,
                        deadLetters.name(), reason.getMessage());
                Batcher d = new Batcher(c);
                d.add(deadLetters.insert(app, input, reason));
                d.flush();
                break;
            case SKIP:
                log.warn("[app={}] record {} violates a constraint of the database, skipping it: {}", app, at,
                        reason.getMessage());
                break;
            default:
                throw new ProcessingException("The database refused the statements of the record (a constraint "
                        + "violation): " + reason.getMessage(), input.topic(), input.partition(), input.offset(),
                        reason);
        }
    }

    /** Runs statements, gathering consecutive ones with the same text into one JDBC batch. */
    private static final class Batcher {
        private final Connection c;
        private PreparedStatement ps;
        private String sql;
        long statements;
        long rows;

        Batcher(Connection c) {
            this.c = c;
        }

        void add(Statements s) throws SQLException {
            for (Statements.Statement st : s.list()) {
                if (!st.sql().equals(sql)) {
                    flush();
                    ps = c.prepareStatement(st.sql());
                    sql = st.sql();
                }
                List<Object> params = st.params();
                for (int i = 0; i < params.size(); i++) {
                    Parameters.bind(ps, i + 1, params.get(i));
                }
                ps.addBatch();
                statements++;
            }
        }

        void flush() throws SQLException {
            if (ps == null) {
                return;
            }
            try {
                for (int n : ps.executeBatch()) {
                    rows += Math.max(0, n);
                }
            } finally {
                ps.close();
                ps = null;
                sql = null;
            }
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(false);
            if (isolation != c.getTransactionIsolation()) {
                c.setTransactionIsolation(isolation);
            }
            connection = c;
        }
        return connection;
    }

    private void dropConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("[app={}] closing a failed connection: {}", app, e.toString());
            }
        }
    }

    private void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("[app={}] rollback: {}", app, e.toString());
            dropConnection();
        }
    }

    /** A failure of a claim or a read: retriable when transient. */
    private static Exception failure(SQLException e, String what) {
        if (SqlErrors.isTransient(e)) {
            return new JdbcRetriableException("Database unreachable while " + what + ": " + e.getMessage(), e);
        }
        return new SQLException("Failed " + what + ": " + e.getMessage(), e.getSQLState(), e);
    }

    @Override
    public void close() {
        dropConnection();
    }
}
