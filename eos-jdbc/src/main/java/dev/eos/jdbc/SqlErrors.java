package dev.eos.jdbc;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * What a database error means for a commit, from its SQLState (PostgreSQL's codes; the classes are standard): a
 * transient failure rolls back and is retried, a constraint violation is pinned on its record, anything else
 * stops the pipeline.
 */
final class SqlErrors {

    private SqlErrors() {
    }

    /** The metric tag of a failure: serialization, deadlock, connection, constraint or other. */
    static String cause(SQLException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            String state = t instanceof SQLException ? ((SQLException) t).getSQLState() : null;
            if (state == null) {
                if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                    return "connection";
                }
                continue;
            }
            if (state.equals("40001")) {
                return "serialization";
            }
            if (state.equals("40P01")) {
                return "deadlock";
            }
            if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
                return "connection"; // connection exceptions; the server shutting down; too many connections
            }
            if (state.startsWith("23")) {
                return "constraint";
            }
        }
        return "other";
    }

    /** Whether rolling back and trying again may succeed. */
    static boolean isTransient(SQLException e) {
        String cause = cause(e);
        return cause.equals("serialization") || cause.equals("deadlock") || cause.equals("connection");
    }

    /** Whether one of the statements violated a constraint (a record the database refuses). */
    static boolean isConstraintViolation(SQLException e) {
        return cause(e).equals("constraint");
    }

    /** The error the database gave: a batch's own failure says only which entry failed, its next one says why. */
    static SQLException reason(SQLException e) {
        SQLException next = e.getNextException();
        return next != null ? next : e;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException && ((SQLException) t).getNextException() != null) {
            return ((SQLException) t).getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
