package dev.eos.jdbc;

import dev.eos.FailureAction;
import dev.eos.SinkFencedException;
import dev.eos.TransactionalSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database side of a JDBC sink pipeline: claims partitions in the offsets table, reads their positions, and
 * commits each batch of records in one database transaction: their statements and dead letters, written by the
 * {@link RecordWriter} (which pins a constraint violation on its record), and the offsets, updated only where this
 * instance's owner epoch still holds. A transient failure (serialization, deadlock,
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
    private RecordWriter writer;
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
        this.writer = new RecordWriter(applicationId, action, deadLetters);
        this.metrics = new JdbcMetrics(registry, applicationId);
        if (createTables) {
            try (Connection c = dataSource.getConnection()) {
                // instances starting together would race in CREATE TABLE IF NOT EXISTS: one at a time
                c.setAutoCommit(false);
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(hashtext('eos-jdbc:" + offsets.name() + "'))");
                    s.execute(offsets.ddl());
                    s.execute(deadLetters.ddl());
                }
                c.commit();
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
        for (Record r : records) { // its results, or its dead letter
            List<Statements> of = new ArrayList<>(1);
            for (ProducerRecord<byte[], byte[]> o : r.outputs()) {
                if (output.equals(o.topic())) {
                    of.add(codec.deserialize(o.topic(), o.value()));
                } else if (DEAD_LETTERS.equals(o.topic())) {
                    of.add(deadLetters.insert(app, r.input(), o.headers()));
                    dead++;
                }
            }
            work.add(of);
        }
        Connection c = null;
        try {
            c = connection();
            RecordWriter.Written written;
            try {
                written = writer.write(c, work);
            } catch (SQLException e) {
                rollbackQuietly(c);
                if (!SqlErrors.isConstraintViolation(e)) {
                    throw e;
                }
                metrics.rolledBack("constraint");
                log.info("[app={}] a statement violated a constraint ({}); running the batch of {} record(s) again "
                        + "behind savepoints to find which", app, SqlErrors.reason(e).getMessage(),
                        records.size());
                written = writer.writePinned(c, records, work);
            }
            Set<TopicPartition> fenced = offsets.update(c, app, nextOffsets, epochs);
            if (!fenced.isEmpty()) { // rolled back below, as for any runtime exception
                metrics.rolledBack("fenced");
                metrics.fenced(fenced.size());
                throw new SinkFencedException("Another owner claimed " + fenced + " in " + offsets.name()
                        + " since this instance did; the commit was rolled back", fenced);
            }
            c.commit();
            backoffMs = 0;
            metrics.committed(System.nanoTime() - t0, written.statements(), written.rows(),
                    dead + (failureAction == FailureAction.DEAD_LETTER ? written.refused() : 0));
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
