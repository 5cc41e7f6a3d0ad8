package dev.eos.jdbc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The sink's meters, tagged with the application id: {@code eos.jdbc.commit} (a timer: database transactions
 * committed and their time), {@code eos.jdbc.statements}, {@code eos.jdbc.rows} (rows the statements changed),
 * {@code eos.jdbc.rollbacks} (tag {@code cause}: serialization, deadlock, connection, constraint, fenced, other),
 * {@code eos.jdbc.fenced.partitions} and {@code eos.jdbc.dead.letters}. Nothing without a registry.
 */
final class JdbcMetrics {

    private final MeterRegistry registry;
    private final String app;
    private final Timer commits;
    private final Counter statements;
    private final Counter rows;
    private final Counter fenced;
    private final Counter deadLetters;

    JdbcMetrics(MeterRegistry registry, String app) {
        this.registry = registry;
        this.app = app;
        this.commits = registry == null ? null : Timer.builder("eos.jdbc.commit")
                .description("Database transactions committed with their offsets, and their time")
                .tag("application", app).register(registry);
        this.statements = counter("eos.jdbc.statements", "Statements run in committed transactions");
        this.rows = counter("eos.jdbc.rows", "Rows changed by statements of committed transactions");
        this.fenced = counter("eos.jdbc.fenced.partitions", "Partitions found fenced by another owner at commit");
        this.deadLetters = counter("eos.jdbc.dead.letters", "Dead letters written to the dead-letter table");
    }

    private Counter counter(String name, String description) {
        return registry == null ? null
                : Counter.builder(name).description(description).tag("application", app).register(registry);
    }

    void committed(long nanos, long statementCount, long rowCount, long deadLetterCount) {
        if (registry != null) {
            commits.record(nanos, TimeUnit.NANOSECONDS);
            statements.increment(statementCount);
            rows.increment(rowCount);
            deadLetters.increment(deadLetterCount);
        }
    }

    void rolledBack(String cause) {
        if (registry != null) {
            Counter.builder("eos.jdbc.rollbacks").description("Database transactions rolled back, by cause")
                    .tag("application", app).tag("cause", cause).register(registry).increment();
        }
    }

    void fenced(int partitions) {
        if (registry != null) {
            fenced.increment(partitions);
        }
    }
}
