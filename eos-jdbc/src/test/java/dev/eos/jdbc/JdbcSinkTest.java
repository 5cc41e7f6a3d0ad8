package dev.eos.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import dev.eos.StoreDefinition;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/** What the sink refuses before anything runs, and the statements' trip from a worker to the commit. */
class JdbcSinkTest {

    /** Never connected to: building a pipeline does not touch the database. */
    private static final DataSource UNUSED = new DataSource() {
        @Override
        public Connection getConnection() {
            throw new AssertionError("not used");
        }

        @Override
        public Connection getConnection(String user, String password) {
            throw new AssertionError("not used");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            return null;
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    };

    private static Pipeline.Builder<String, String> builder() {
        return Pipeline.builder(Serdes.String(), Serdes.String()).bootstrapServers("localhost:9092")
                .applicationId("app").inputTopics("in");
    }

    @Test
    void shouldRefuseKafkaOutputsStoresADeadLetterTopicAndASecondPipeline() {
        JdbcSink sink = JdbcSink.builder(UNUSED).build();
        assertThatThrownBy(() -> sink.pipeline(builder().outputTopic(OutputTopic.of("out", Serdes.String(),
                Serdes.String())), (r, sql) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot also write output topics");
        assertThatThrownBy(() -> JdbcSink.builder(UNUSED).build().pipeline(builder().store(
                StoreDefinition.persistent("s", Serdes.String(), Serdes.String())), (r, sql) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("state stores");
        assertThatThrownBy(() -> JdbcSink.builder(UNUSED).build().pipeline(builder().deadLetterTopic("dlq"),
                (r, sql) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("remove dead.letter.topic=dlq");
        JdbcSink once = JdbcSink.builder(UNUSED).build();
        assertThat(once.pipeline(builder(), (r, sql) -> { }).state()).isEqualTo(Pipeline.State.CREATED);
        assertThatThrownBy(() -> once.pipeline(builder(), (r, sql) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one sink per pipeline");
    }

    @Test
    void shouldRefuseTableNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> JdbcSink.builder(UNUSED).offsetsTable("x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not a plain table name");
        assertThat(JdbcSink.builder(UNUSED).offsetsTable("ops.offsets").build().offsetsTable())
                .isEqualTo("ops.offsets");
        assertThatThrownBy(() -> JdbcSink.builder(UNUSED).offsetsTable("t").deadLetterTable("T").build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldCarryEveryParameterTypeThroughTheCodecAndRefuseOthersNamingTheStatement() {
        Statements sql = new Statements()
                .add("A ?, ?, ?, ?, ?, ?, ?, ?", null, "s", 1, 2L, (short) 3, 4.5d, 5.5f, true)
                .add("B", new BigDecimal("12.340"), new byte[] {1, 2}, UUID.randomUUID(), Instant.ofEpochSecond(7, 8),
                        LocalDate.of(2026, 12, 1), LocalDateTime.of(2026, 12, 1, 8, 30),
                        OffsetDateTime.parse("2026-12-01T08:30:00+01:00"),
                        java.sql.Timestamp.from(Instant.ofEpochMilli(99)));
        StatementCodec codec = new StatementCodec();
        Statements back = codec.deserialize("t", codec.serialize("t", sql));
        assertThat(back).isEqualTo(sql);
        assertThat(back.list().get(1).params().get(7)).isEqualTo(Instant.ofEpochMilli(99));
        assertThatThrownBy(() -> new Statements().add("UPDATE t SET a = ?", new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Parameter 1 of \"UPDATE t SET a = ?\" is a java.lang.Object");
    }
}
