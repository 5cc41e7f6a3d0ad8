package dev.eos.jdbc;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The SQL statements one input record leaves for the database, in order: each a statement text with {@code ?}
 * placeholders and its parameters. They run at commit, in the database transaction that also writes the consumed
 * offsets; consecutive statements with the same text (of this record and of the records after it) run as one JDBC
 * batch, so one key's statements keep the order of its records.
 *
 * <pre>{@code
 * sql.add("UPDATE balances SET balance = balance + ? WHERE account = ?", amount, account)
 *    .add("INSERT INTO applied_ops (op_id) VALUES (?)", opId);
 * }</pre>
 *
 * <p>Parameters may be null or of these types: String, Integer, Long, Short, Double, Float, Boolean, BigDecimal,
 * byte[], UUID, Instant, Timestamp, LocalDate, LocalDateTime, OffsetDateTime. Compute from the row
 * ({@code SET balance = balance + ?}) rather than from a value read earlier: a record's reads see committed rows
 * only, not the statements of earlier records that wait in the same open commit. Not thread-safe: one per record.
 */
public final class Statements {

    /** One statement: its text and its parameters. */
    record Statement(String sql, List<Object> params) {
    }

    private final List<Statement> statements = new ArrayList<>();

    Statements() {
    }

    /**
     * Adds a statement.
     *
     * @param sql the statement, with one {@code ?} per parameter
     * @param params its parameters, in order
     * @return this, to add more
     * @throws IllegalArgumentException if the text is blank or a parameter is of a type not listed above (the message
     *     names the statement and the parameter)
     */
    public Statements add(String sql, Object... params) {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("A statement needs SQL text");
        }
        List<Object> copy = new ArrayList<>(params == null ? 1 : params.length);
        if (params == null) {
            copy.add(null); // add(sql, (Object[]) null) is one null parameter as Java calls it
        } else {
            for (int i = 0; i < params.length; i++) {
                copy.add(check(sql, i, params[i]));
            }
        }
        statements.add(new Statement(sql, Collections.unmodifiableList(copy)));
        return this;
    }

    /** How many statements were added. */
    public int size() {
        return statements.size();
    }

    /** Whether none was added. */
    public boolean isEmpty() {
        return statements.isEmpty();
    }

    List<Statement> list() {
        return statements;
    }

    private static Object check(String sql, int index, Object p) {
        if (p == null || p instanceof String || p instanceof Integer || p instanceof Long || p instanceof Short
                || p instanceof Double || p instanceof Float || p instanceof Boolean || p instanceof BigDecimal
                || p instanceof byte[] || p instanceof UUID || p instanceof Instant || p instanceof LocalDate
                || p instanceof LocalDateTime || p instanceof OffsetDateTime) {
            return p;
        }
        if (p instanceof Timestamp) {
            return ((Timestamp) p).toInstant();
        }
        throw new IllegalArgumentException("Parameter " + (index + 1) + " of \"" + sql + "\" is a "
                + p.getClass().getName() + ", which a statement cannot carry; use one of String, Integer, Long, "
                + "Short, Double, Float, Boolean, BigDecimal, byte[], UUID, Instant, Timestamp, LocalDate, "
                + "LocalDateTime, OffsetDateTime");
    }

    @Override
    public String toString() {
        return "Statements" + statements.stream().map(s -> s.sql() + " " + s.params()).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Statements && sameAs(((Statements) o).statements);
    }

    private boolean sameAs(List<Statement> other) {
        if (other.size() != statements.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            Statement a = statements.get(i);
            Statement b = other.get(i);
            if (!a.sql().equals(b.sql()) || a.params().size() != b.params().size()) {
                return false;
            }
            for (int j = 0; j < a.params().size(); j++) {
                Object x = a.params().get(j);
                Object y = b.params().get(j);
                if (!(x instanceof byte[] && y instanceof byte[] ? java.util.Arrays.equals((byte[]) x, (byte[]) y)
                        : Objects.equals(x, y))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return statements.size();
    }
}
