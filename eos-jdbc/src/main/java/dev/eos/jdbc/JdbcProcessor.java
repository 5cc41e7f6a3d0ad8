package dev.eos.jdbc;

import dev.eos.InputRecord;

/**
 * The user function of a pipeline into a database: one input record in, the SQL statements it leaves out. They
 * run at commit, in one database transaction with the statements of the other records of that commit and the
 * consumed offsets, or not at all.
 *
 * <pre>{@code
 * (record, sql) -> sql.add("UPDATE balances SET balance = balance + ? WHERE account = ?", amount, account)
 * }</pre>
 *
 * <p>It runs on the pipeline's worker threads, so it must be thread-safe; it may be called again for the same
 * record (a retry, a rollback, a rebalance), and only the statements of the call that commits run. Failures take
 * the pipeline's retries and {@code failure.action} like any processor's.
 *
 * @param <K> input key type
 * @param <V> input value type
 */
@FunctionalInterface
public interface JdbcProcessor<K, V> {

    /**
     * Adds the statements for {@code record} to {@code sql}; none is fine (the record is marked consumed).
     *
     * @throws Exception to fail this attempt (retried with backoff, then {@code failure.action})
     */
    void process(InputRecord<K, V> record, Statements sql) throws Exception;
}
