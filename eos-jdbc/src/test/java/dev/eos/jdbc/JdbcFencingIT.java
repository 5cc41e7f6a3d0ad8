package dev.eos.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eos.FailureAction;
import dev.eos.SinkFencedException;
import dev.eos.TransactionalSink;
import dev.eos.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The offsets table's fencing on a real PostgreSQL, through the sink's own interface: an owner whose partition was
 * claimed by another since writes nothing, and the positions it finds are the ones the database holds.
 */
class JdbcFencingIT {

    private static LocalPostgres pg;
    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = LocalPostgres.start();
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE rows_written (tp TEXT NOT NULL, n BIGINT NOT NULL)");
        }
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    private static JdbcTransactions sink(String app) throws Exception {
        JdbcTransactions t = new JdbcTransactions(pg.dataSource(), new OffsetsTable("fence_offsets"),
                new DeadLetterTable("fence_dead_letters"), true, Connection.TRANSACTION_READ_COMMITTED,
                JdbcSink.OUTPUT);
        t.open(app, FailureAction.STOP, null);
        return t;
    }

    private static TransactionalSink.Record record(TopicPartition tp, long offset) {
        Statements sql = new Statements().add("INSERT INTO rows_written (tp, n) VALUES (?, ?)", tp.toString(), offset);
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(JdbcSink.OUTPUT, null,
                new StatementCodec().serialize(JdbcSink.OUTPUT, sql));
        ConsumerRecord<byte[], byte[]> in = new ConsumerRecord<>(tp.topic(), tp.partition(), offset, null, null);
        return new TransactionalSink.Record() {
            @Override
            public ConsumerRecord<byte[], byte[]> input() {
                return in;
            }

            @Override
            public List<ProducerRecord<byte[], byte[]>> outputs() {
                return List.of(out);
            }
        };
    }

    private static long count(String sql) throws Exception {
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void shouldRefuseTheCommitOfAnOwnerWhosePartitionAnotherClaimedSince() throws Exception {
        JdbcTransactions zombie = sink("fence-app");
        JdbcTransactions owner = sink("fence-app");
        assertThat(zombie.claim(List.of(P0, P1), tp -> 5L)).isEqualTo(Map.of(P0, 5L, P1, 5L));
        zombie.commit(List.of(record(P0, 5), record(P1, 5)), Map.of(P0, 6L, P1, 6L));

        assertThat(owner.claim(List.of(P1), tp -> 0L)).as("the row's position, not the initial one")
                .isEqualTo(Map.of(P1, 6L));
        assertThatThrownBy(() -> zombie.commit(List.of(record(P0, 6), record(P1, 6)), Map.of(P0, 7L, P1, 7L)))
                .isInstanceOf(SinkFencedException.class)
                .satisfies(e -> assertThat(((SinkFencedException) e).partitions()).containsExactly(P1));
        assertThat(count("SELECT count(*) FROM rows_written")).as("nothing of the fenced commit, not even P0's rows")
                .isEqualTo(2);
        assertThat(zombie.positions(List.of(P0, P1))).isEqualTo(Map.of(P0, 6L, P1, 6L));

        owner.commit(List.of(record(P1, 6)), Map.of(P1, 7L));
        assertThat(owner.positions(List.of(P1))).isEqualTo(Map.of(P1, 7L));
        assertThat(count("SELECT count(*) FROM rows_written WHERE tp = 'in-1'")).isEqualTo(2);

        // the zombie claims late: the rightful owner is fenced in turn, and takes the partition back by claiming
        zombie.claim(List.of(P1), tp -> 0L);
        assertThatThrownBy(() -> owner.commit(List.of(record(P1, 7)), Map.of(P1, 8L)))
                .isInstanceOf(SinkFencedException.class);
        owner.claim(List.of(P1), tp -> 0L);
        owner.commit(List.of(record(P1, 7)), Map.of(P1, 8L));
        assertThat(owner.positions(List.of(P1))).isEqualTo(Map.of(P1, 8L));
        assertThat(count("SELECT owner_epoch FROM fence_offsets WHERE partition = 1")).isEqualTo(3);
        zombie.close();
        owner.close();
    }
}
