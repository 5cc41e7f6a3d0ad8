package dev.eos.jdbc;

import dev.eos.FailureAction;
import dev.eos.ProcessingException;
import dev.eos.TransactionalSink.Record;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the statements of a commit's records, in order, in the open database transaction: consecutive statements
 * with the same text go as one JDBC batch. When a statement violates a constraint, the batch runs again with the
 * outcome of a savepoint per record: the records before the one at fault are kept, that record takes
 * {@code failure.action} (a dead letter in this transaction, a skip, or a stop), and the rest runs on.
 */
final class RecordWriter {

    private static final Logger log = LoggerFactory.getLogger(RecordWriter.class);

    /** What the statements did: statements run, rows changed, records that took the failure action. */
    record Written(long statements, long rows, long refused) {
    }

    private final String app;
    private final FailureAction failureAction;
    private final DeadLetterTable deadLetters;

    RecordWriter(String app, FailureAction failureAction, DeadLetterTable deadLetters) {
        this.app = app;
        this.failureAction = failureAction;
        this.deadLetters = deadLetters;
    }

    /** Runs every record's statements; a violation throws (the transaction must then be rolled back). */
    Written write(Connection c, List<List<Statements>> work) throws SQLException {
        Batcher b = new Batcher(c);
        b.run(work, 0, work.size());
        return new Written(b.statements, b.rows, 0);
    }

    /**
     * Runs the records again in a transaction that was rolled back after a violation. From the first record not
     * yet done: all the rest behind a savepoint; on a violation, back to the savepoint, then the records before the
     * one at fault (the driver says which batch entry failed) behind a savepoint, then that one alone, whose
     * violation makes it take the failure action. Each record is applied after every earlier record that was
     * kept, as with a savepoint per record, in about two passes over the batch plus three per refused record.
     */
    Written writePinned(Connection c, List<? extends Record> records, List<List<Statements>> work)
            throws SQLException {
        long statements = 0;
        long rows = 0;
        long refused = 0;
        int pos = 0;
        int end = work.size();
        while (pos < work.size()) {
            Savepoint sp = c.setSavepoint();
            Batcher b = new Batcher(c);
            try {
                b.run(work, pos, end);
                c.releaseSavepoint(sp);
                statements += b.statements;
                rows += b.rows;
                pos = end;
                end = work.size();
                continue;
            } catch (SQLException e) {
                if (!SqlErrors.isConstraintViolation(e)) {
                    throw e;
                }
                c.rollback(sp);
                int at = b.failedRecord;
                if (at > pos && at < end) {
                    end = at; // the records before it ran without a violation: again, then it alone
                    continue;
                }
                if (end - pos > 1) {
                    end = pos + 1; // the driver did not say which: the first record alone
                    continue;
                }
                takeFailureAction(c, records.get(pos).input(), SqlErrors.reason(e));
                refused++;
            }
            pos++;
            end = work.size();
        }
        return new Written(statements, rows, refused);
    }

    /** A record the database refuses on its own takes {@code failure.action}. */
    private void takeFailureAction(Connection c, ConsumerRecord<byte[], byte[]> input, SQLException reason)
            throws SQLException {
        String at = input.topic() + "-" + input.partition() + "@" + input.offset();
        switch (failureAction) {
            case DEAD_LETTER:
                log.warn("[app={}] record {} violates a constraint of the database, writing it to {}: {}", app, at,
                        deadLetters.name(), reason.getMessage());
                new Batcher(c).run(List.of(List.of(deadLetters.insert(app, input, reason))), 0, 1);
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
        private final List<Integer> owners = new ArrayList<>();
        private PreparedStatement ps;
        private String sql;
        long statements;
        long rows;
        /** The record whose statement failed, when the driver said which batch entry it was; else -1. */
        int failedRecord = -1;

        Batcher(Connection c) {
            this.c = c;
        }

        /** Runs the statements of records {@code from} to {@code to - 1}. */
        void run(List<List<Statements>> work, int from, int to) throws SQLException {
            for (int i = from; i < to; i++) {
                for (Statements s : work.get(i)) {
                    for (Statements.Statement st : s.list()) {
                        add(st, i);
                    }
                }
            }
            flush();
        }

        private void add(Statements.Statement st, int record) throws SQLException {
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
            owners.add(record);
            statements++;
        }

        private void flush() throws SQLException {
            if (ps == null) {
                return;
            }
            try {
                for (int n : ps.executeBatch()) {
                    rows += Math.max(0, n);
                }
            } catch (BatchUpdateException e) {
                int entry = failedEntry(e.getUpdateCounts());
                failedRecord = entry >= 0 && entry < owners.size() ? owners.get(entry) : -1;
                throw e;
            } finally {
                ps.close();
                ps = null;
                sql = null;
                owners.clear();
            }
        }

        /** The batch entry that failed: the first one marked failed, else the one after those that ran. */
        private int failedEntry(int[] counts) {
            if (counts == null) {
                return -1;
            }
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == Statement.EXECUTE_FAILED) {
                    return i;
                }
            }
            return counts.length < owners.size() ? counts.length : -1;
        }
    }
}
