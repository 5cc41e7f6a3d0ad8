package dev.eos.jdbc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The bytes a record's {@link Statements} travel in from the worker that ran the processor to the commit (they
 * count against {@code max.in.flight.bytes} like any output): per statement its text and its typed parameters.
 */
final class StatementCodec implements Serde<Statements>, Serializer<Statements>, Deserializer<Statements> {

    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte INT = 2;
    private static final byte LONG = 3;
    private static final byte SHORT = 4;
    private static final byte DOUBLE = 5;
    private static final byte FLOAT = 6;
    private static final byte BOOLEAN = 7;
    private static final byte DECIMAL = 8;
    private static final byte BYTES = 9;
    private static final byte INSTANT = 10;
    private static final byte DATE = 11;
    private static final byte DATE_TIME = 12;
    private static final byte OFFSET_DATE_TIME = 13;
    private static final byte UUID_TYPE = 14;

    @Override
    public byte[] serialize(String topic, Statements data) {
        if (data == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(data.size());
            for (Statements.Statement s : data.list()) {
                writeString(out, s.sql());
                out.writeInt(s.params().size());
                for (Object p : s.params()) {
                    write(out, p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Statements deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        Statements out = new Statements();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String sql = readString(in);
                int count = in.readInt();
                List<Object> params = new ArrayList<>(count);
                for (int j = 0; j < count; j++) {
                    params.add(read(in));
                }
                out.list().add(new Statements.Statement(sql, params));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public Serializer<Statements> serializer() {
        return this;
    }

    @Override
    public Deserializer<Statements> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }

    private static void write(DataOutputStream out, Object p) throws IOException {
        if (p == null) {
            out.writeByte(NULL);
        } else if (p instanceof String) {
            out.writeByte(STRING);
            writeString(out, (String) p);
        } else if (p instanceof Integer) {
            out.writeByte(INT);
            out.writeInt((Integer) p);
        } else if (p instanceof Long) {
            out.writeByte(LONG);
            out.writeLong((Long) p);
        } else if (p instanceof Short) {
            out.writeByte(SHORT);
            out.writeShort((Short) p);
        } else if (p instanceof Double) {
            out.writeByte(DOUBLE);
            out.writeDouble((Double) p);
        } else if (p instanceof Float) {
            out.writeByte(FLOAT);
            out.writeFloat((Float) p);
        } else if (p instanceof Boolean) {
            out.writeByte(BOOLEAN);
            out.writeBoolean((Boolean) p);
        } else if (p instanceof BigDecimal) {
            out.writeByte(DECIMAL);
            writeString(out, ((BigDecimal) p).toString());
        } else if (p instanceof byte[]) {
            out.writeByte(BYTES);
            out.writeInt(((byte[]) p).length);
            out.write((byte[]) p);
        } else if (p instanceof Instant) {
            out.writeByte(INSTANT);
            out.writeLong(((Instant) p).getEpochSecond());
            out.writeInt(((Instant) p).getNano());
        } else if (p instanceof LocalDate) {
            out.writeByte(DATE);
            out.writeLong(((LocalDate) p).toEpochDay());
        } else if (p instanceof LocalDateTime || p instanceof OffsetDateTime) {
            out.writeByte(p instanceof LocalDateTime ? DATE_TIME : OFFSET_DATE_TIME);
            writeString(out, p.toString());
        } else if (p instanceof UUID) {
            out.writeByte(UUID_TYPE);
            out.writeLong(((UUID) p).getMostSignificantBits());
            out.writeLong(((UUID) p).getLeastSignificantBits());
        } else {
            throw new IllegalArgumentException("Cannot carry a parameter of type " + p.getClass().getName());
        }
    }

    private static Object read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case NULL:
                return null;
            case STRING:
                return readString(in);
            case INT:
                return in.readInt();
            case LONG:
                return in.readLong();
            case SHORT:
                return in.readShort();
            case DOUBLE:
                return in.readDouble();
            case FLOAT:
                return in.readFloat();
            case BOOLEAN:
                return in.readBoolean();
            case DECIMAL:
                return new BigDecimal(readString(in));
            case BYTES:
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                return b;
            case INSTANT:
                return Instant.ofEpochSecond(in.readLong(), in.readInt());
            case DATE:
                return LocalDate.ofEpochDay(in.readLong());
            case DATE_TIME:
                return LocalDateTime.parse(readString(in));
            case OFFSET_DATE_TIME:
                return OffsetDateTime.parse(readString(in));
            case UUID_TYPE:
                return new UUID(in.readLong(), in.readLong());
            default:
                throw new IOException("Unknown parameter type " + type);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
