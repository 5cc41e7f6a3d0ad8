package dev.eos.examples;

import dev.eos.EosConfig;
import dev.eos.FailureAction;
import dev.eos.NonRetryableException;
import dev.eos.Pipeline;
import dev.eos.jdbc.JdbcSink;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The map pipeline into PostgreSQL, which the chaos tests run through eos-jdbc: each input (key, id) becomes a row
 * {@code (id, k, pos)} of the table {@code <app>_out}, where {@code pos} is the row's place among its key's rows,
 * computed by the insert itself; the table has no key, so a record written twice shows as two rows. Poison records
 * (see {@link MapExample#isPoison}) go to the dead-letter table {@code <app>_dead_letters}.
 */
public final class MapToPostgres {

    private MapToPostgres() {
    }

    /** The table name prefix of application {@code app}: its id with every other character than [A-Za-z0-9_] as _. */
    public static String prefix(String app) {
        return app.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /**
     * Creates the output table if missing (instances starting together take turns) and returns the pipeline.
     *
     * @param config given to the builder; the failure action is DEAD_LETTER (to the dead-letter table)
     */
    public static Pipeline<String, String> pipeline(String bootstrap, String app, String instance, String input,
            DataSource db, Map<String, Object> config, int maxSleepMs, int poisonEvery) throws SQLException {
        String table = prefix(app) + "_out";
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(hashtext('" + table + "'))");
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id TEXT NOT NULL, k TEXT NOT NULL, pos BIGINT NOT NULL)");
            c.commit();
        }
        String insert = "INSERT INTO " + table + " (id, k, pos) SELECT ?, ?, coalesce(max(pos), 0) + 1 FROM " + table
                + " WHERE k = ?";
        JdbcSink sink = JdbcSink.builder(db).offsetsTable(prefix(app) + "_offsets")
                .deadLetterTable(prefix(app) + "_dead_letters").build();
        return sink.pipeline(Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(bootstrap).applicationId(app).instanceId(instance).inputTopics(input)
                .config(config).config(EosConfig.FAILURE_ACTION_CONFIG, FailureAction.DEAD_LETTER.name()),
                (record, sql) -> {
                    if (maxSleepMs > 0) {
                        Thread.sleep(ThreadLocalRandom.current().nextInt(maxSleepMs + 1));
                    }
                    if (MapExample.isPoison(record.value(), poisonEvery)) {
                        throw new NonRetryableException("poison record " + record.value());
                    }
                    sql.add(insert, record.value(), record.key(), record.key());
                });
    }
}
