package dev.eos.internals.runtime;

import dev.eos.internals.txn.Transactions;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * When the open transaction commits, and so how long a poll may wait: at {@code commit.interval.ms}, at
 * {@code commit.max.records}, or early once the input has caught up ({@code commit.eager}, spaced by
 * {@code commit.eager.min.ms}). Poll thread only.
 */
final class CommitSchedule {

    private final Settings settings;
    private final Transactions transactions;
    private final int maxPollRecords;

    CommitSchedule(Settings settings, Transactions transactions) {
        this.settings = settings;
        this.transactions = transactions;
        this.maxPollRecords = settings.maxPollRecords();
    }

    /** Why the open transaction should commit now, or null if it should not (none open, or one committing). */
    String due(Consumer<byte[], byte[]> consumer) {
        if (!transactions.isOpen() || transactions.isCommitting()) {
            return null;
        }
        if (transactions.openAgeMs() >= settings.commitIntervalMs()) {
            return "interval";
        }
        if (transactions.openRecords() >= settings.commitMaxRecords()) {
            return "max records";
        }
        if (settings.commitEager() && transactions.sinceLastCommitMs() >= settings.commitEagerMinMs()
                && InputStatus.caughtUp(consumer, maxPollRecords)) {
            return "caught up";
        }
        return null;
    }

    /** How long the next poll may wait; {@code running}: records taken and not yet completed by a worker. */
    long pollTimeoutMs(Consumer<byte[], byte[]> consumer, int running) {
        if (transactions.isCommitting()) {
            return 1; // to start the next commit soon after this one returns
        }
        long interval = settings.commitIntervalMs();
        long untilCommit = transactions.isOpen() ? Math.max(0, interval - transactions.openAgeMs())
                : Math.max(interval, 100);
        // while records run, their completions wait for this poll to return: 1 ms at most
        long timeout = running > 0 ? Math.min(untilCommit, 1) : untilCommit;
        if (timeout > 1 && transactions.isOpen() && settings.commitEager()) {
            // wake up when the early commit is due, not when the next record arrives (lags read only if sooner)
            long eagerDue = Math.max(1, settings.commitEagerMinMs() - transactions.sinceLastCommitMs());
            if (eagerDue < timeout && InputStatus.caughtUp(consumer, maxPollRecords)) {
                timeout = eagerDue;
            }
        }
        return timeout;
    }
}
