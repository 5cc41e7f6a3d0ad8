package dev.eos.jdbc;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

/** Binds a statement parameter of one of the types {@link Statements} carries. */
final class Parameters {

    private Parameters() {
    }

    static void bind(PreparedStatement ps, int index, Object p) throws SQLException {
        if (p == null) {
            ps.setNull(index, Types.NULL);
        } else if (p instanceof String) {
            ps.setString(index, (String) p);
        } else if (p instanceof Integer) {
            ps.setInt(index, (Integer) p);
        } else if (p instanceof Long) {
            ps.setLong(index, (Long) p);
        } else if (p instanceof Short) {
            ps.setShort(index, (Short) p);
        } else if (p instanceof Double) {
            ps.setDouble(index, (Double) p);
        } else if (p instanceof Float) {
            ps.setFloat(index, (Float) p);
        } else if (p instanceof Boolean) {
            ps.setBoolean(index, (Boolean) p);
        } else if (p instanceof BigDecimal) {
            ps.setBigDecimal(index, (BigDecimal) p);
        } else if (p instanceof byte[]) {
            ps.setBytes(index, (byte[]) p);
        } else if (p instanceof Instant) {
            ps.setTimestamp(index, Timestamp.from((Instant) p));
        } else {
            ps.setObject(index, p); // UUID, LocalDate, LocalDateTime, OffsetDateTime: JDBC 4.2 drivers take them
        }
    }
}
