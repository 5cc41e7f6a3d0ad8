package dev.eos.jdbc;

import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import dev.eos.Processor;
import java.sql.Connection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Exactly-once from Kafka into a relational database (PostgreSQL): a pipeline whose records' SQL statements and
 * consumed offsets commit in one database transaction, or not at all. Positions live in the offsets table; an
 * instance takes ownership of a partition there when the group assigns it (bumping the partition's owner epoch),
 * and a commit updates the positions only where its epoch still holds, so a zombie's commit changes nothing.
 * Kafka's committed offsets are written after each database commit, for lag monitoring only. See docs/jdbc.md.
 *
 * <pre>{@code
 * JdbcSink sink = JdbcSink.builder(dataSource).build();
 * Pipeline<String, String> pipeline = sink.pipeline(Pipeline.builder(Serdes.String(), Serdes.String())
 *                 .bootstrapServers("localhost:9092")
 *                 .applicationId("ledger")
 *                 .inputTopics("transfers"),
 *         (record, sql) -> sql.add("UPDATE balances SET balance = balance + ? WHERE account = ?",
 *                 Long.parseLong(record.value()), record.key()));
 * pipeline.start();
 * }</pre>
 *
 * <p>The worker pool, ordering, retries, {@code processing.timeout.ms} and {@code failure.action} are the pipeline's
 * as for any processor. With {@code failure.action=DEAD_LETTER}, failed records go to the dead-letter table in the
 * same transaction. A pipeline into a database writes no Kafka output topic and has no state store: its per-key
 * state is in the database, changed by statements that compute from the row. One sink serves one pipeline.
 */
public final class JdbcSink {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    /** The name of the sink's output in the pipeline (never a Kafka topic). */
    static final String OUTPUT = "jdbc-sink";

    private final JdbcTransactions transactions;
    private final OffsetsTable offsets;
    private final DeadLetterTable deadLetters;
    private final OutputTopic<Void, Statements> output;
    private final AtomicBoolean used = new AtomicBoolean();

    private JdbcSink(Builder b) {
        this.offsets = new OffsetsTable(b.offsetsTable);
        this.deadLetters = new DeadLetterTable(b.deadLetterTable);
        this.transactions = new JdbcTransactions(b.dataSource, offsets, deadLetters, b.createTables, b.isolation,
                OUTPUT);
        this.output = OutputTopic.toSink(OUTPUT, Serdes.Void(), new StatementCodec(), transactions);
    }

    /** A builder of a sink into the database {@code dataSource} connects to. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Builds the pipeline: {@code builder} (bootstrap servers, application id, input topics, settings) with this
     * sink as its output and {@code processor} as its function.
     *
     * @throws IllegalStateException if this sink already serves a pipeline, or the builder declares an output topic
     *     or a store, or sets {@code dead.letter.topic} (dead letters go to the dead-letter table)
     */
    public <K, V> Pipeline<K, V> pipeline(Pipeline.Builder<K, V> builder, JdbcProcessor<K, V> processor) {
        Objects.requireNonNull(processor, "processor");
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("This JdbcSink already serves a pipeline; build one sink per pipeline");
        }
        Processor<K, V> p = (record, context) -> {
            Statements sql = new Statements();
            processor.process(record, sql);
            if (!sql.isEmpty()) {
                context.emit(output, null, sql);
            }
        };
        return builder.outputTopic(output).processor(p).build();
    }

    /** The offsets table's name. */
    public String offsetsTable() {
        return offsets.name();
    }

    /** The dead-letter table's name. */
    public String deadLetterTable() {
        return deadLetters.name();
    }

    /** The DDL of the offsets table (PostgreSQL), for a schema managed outside the application. */
    public String offsetsTableDdl() {
        return offsets.ddl();
    }

    /** The DDL of the dead-letter table (PostgreSQL). */
    public String deadLetterTableDdl() {
        return deadLetters.ddl();
    }

    /** Settings of a {@link JdbcSink}. */
    public static final class Builder {
        private final DataSource dataSource;
        private String offsetsTable = "eos_offsets";
        private String deadLetterTable = "eos_dead_letters";
        private boolean createTables = true;
        private int isolation = Connection.TRANSACTION_READ_COMMITTED;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /** The offsets table (default {@code eos_offsets}; {@code schema.table} allowed). */
        public Builder offsetsTable(String table) {
            this.offsetsTable = identifier(table);
            return this;
        }

        /** The dead-letter table (default {@code eos_dead_letters}). */
        public Builder deadLetterTable(String table) {
            this.deadLetterTable = identifier(table);
            return this;
        }

        /**
         * Whether the pipeline creates the two tables when they are missing (default true); false when the schema is
         * managed elsewhere (their DDL: {@link #offsetsTableDdl()}, docs/jdbc.md).
         */
        public Builder createTables(boolean create) {
            this.createTables = create;
            return this;
        }

        /**
         * The isolation level of the commit transactions, a {@link Connection} constant (default
         * {@link Connection#TRANSACTION_READ_COMMITTED}: each statement sees what other writers committed before it
         * ran). Exactly-once does not depend on it: the offsets row is the fence. {@code TRANSACTION_REPEATABLE_READ}
         * gives a commit's statements one snapshot, failing (and retrying) when another writer changed a row since.
         * {@code TRANSACTION_SERIALIZABLE} makes statements that read rows (an {@code INSERT ... SELECT}, a
         * conditional {@code UPDATE}) behave as if the commits ran one at a time with other writers of the same
         * rows, at the cost of serialization failures, which roll back and are retried.
         */
        public Builder isolation(int level) {
            if (level != Connection.TRANSACTION_READ_COMMITTED && level != Connection.TRANSACTION_REPEATABLE_READ
                    && level != Connection.TRANSACTION_SERIALIZABLE && level != Connection.TRANSACTION_READ_UNCOMMITTED) {
                throw new IllegalArgumentException("Not a JDBC isolation level: " + level);
            }
            this.isolation = level;
            return this;
        }

        /**
         * The sink, ready to build one pipeline with {@link JdbcSink#pipeline}; nothing connects to the database
         * until that pipeline starts.
         *
         * @throws IllegalStateException if the offsets and dead-letter tables have the same name
         */
        public JdbcSink build() {
            if (offsetsTable.equalsIgnoreCase(deadLetterTable)) {
                throw new IllegalStateException("The offsets table and the dead-letter table must differ: "
                        + offsetsTable);
            }
            return new JdbcSink(this);
        }

        private static String identifier(String table) {
            if (table == null || !IDENTIFIER.matcher(table).matches()) {
                throw new IllegalArgumentException("Not a plain table name (letters, digits, underscores, optionally "
                        + "schema.table): " + table);
            }
            return table;
        }
    }
}
