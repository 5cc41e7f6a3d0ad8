package dev.eos.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalPostgresTest {

    private static List<Integer> ids(LocalPostgres pg) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id FROM t ORDER BY id")) {
            while (r.next()) {
                ids.add(r.getInt(1));
            }
        }
        return ids;
    }

    @Test
    void shouldKeepCommittedRowsAcrossARestartAndACrashAndLoseTheOpenTransaction() throws Exception {
        Path data;
        try (LocalPostgres pg = LocalPostgres.start()) {
            data = Path.of(pg.toString().replaceAll(".*data=([^,\\]]+).*", "$1"));
            try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES (1)");
            }
            pg.stop();
            assertThat(pg.isRunning()).isFalse();
            assertThatThrownBy(pg::dataSource).hasMessageContaining("stopped");
            pg.restart();
            assertThat(ids(pg)).containsExactly(1);

            Connection open = DriverManager.getConnection(pg.jdbcUrl());
            open.setAutoCommit(false);
            try (Statement s = open.createStatement()) {
                s.execute("INSERT INTO t VALUES (2)"); // never committed
            }
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES (3)");
            }
            pg.kill();
            assertThatThrownBy(open::commit).isInstanceOf(SQLException.class);
            pg.restart();
            assertThat(ids(pg)).containsExactly(1, 3);
            assertThat(Files.isDirectory(data)).isTrue();
        }
        assertThat(Files.exists(data)).as("close deletes the data").isFalse();
    }
}
