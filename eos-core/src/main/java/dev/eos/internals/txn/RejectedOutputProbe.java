package dev.eos.internals.txn;

import dev.eos.internals.exec.Work;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * Finds the record at fault when the broker rejects an output for reasons that may concern that record alone
 * (too large, invalid, not authorized). A producer fails every record queued behind such an error with the same
 * exception, so a failing record is first only a suspect; when the aborted transaction is redone, each suspect
 * is sent on its own, and one that fails again is confirmed: on the next redo it takes the failure action
 * instead of being sent. Entries of partitions that are revoked or lost are forgotten.
 */
final class RejectedOutputProbe {

    private final Map<TopicPartition, Map<Long, Exception>> suspects = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Map<Long, Exception>> confirmed = new ConcurrentHashMap<>();
    /** A suspect was confirmed in the transaction about to abort: that abort made progress. */
    private volatile boolean confirmedInTransaction;

    static boolean isRecordSpecific(Exception e) {
        return e instanceof RecordTooLargeException || e instanceof InvalidRecordException
                || e instanceof TopicAuthorizationException || e instanceof SerializationException;
    }

    /** Called from a send callback: the output of {@code w} failed with {@code e}. */
    void onSendFailure(Work w, Exception e) {
        if (isRecordSpecific(e) && !has(confirmed, w)) {
            suspects.computeIfAbsent(w.tp, t -> new ConcurrentHashMap<>()).put(w.offset(), e);
        }
    }

    /** Removes and returns the suspicion on {@code w}, or null. */
    Exception takeSuspicion(Work w) {
        return take(suspects, w);
    }

    void suspectAgain(Work w, Exception e) {
        suspects.computeIfAbsent(w.tp, t -> new ConcurrentHashMap<>()).put(w.offset(), e);
    }

    void confirm(Work w, Exception e) {
        take(suspects, w);
        confirmed.computeIfAbsent(w.tp, t -> new ConcurrentHashMap<>()).put(w.offset(), e);
        confirmedInTransaction = true;
    }

    /** Removes and returns the confirmed rejection of {@code w}, or null. */
    Exception takeConfirmed(Work w) {
        return take(confirmed, w);
    }

    /** Whether a confirmation happened since the last call; clears the flag. */
    boolean takeProgress() {
        boolean p = confirmedInTransaction;
        confirmedInTransaction = false;
        return p;
    }

    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            suspects.remove(tp);
            confirmed.remove(tp);
        }
    }

    int size() {
        int n = 0;
        for (Map<Long, Exception> m : suspects.values()) {
            n += m.size();
        }
        for (Map<Long, Exception> m : confirmed.values()) {
            n += m.size();
        }
        return n;
    }

    private static boolean has(Map<TopicPartition, Map<Long, Exception>> map, Work w) {
        Map<Long, Exception> m = map.get(w.tp);
        return m != null && m.containsKey(w.offset());
    }

    private static Exception take(Map<TopicPartition, Map<Long, Exception>> map, Work w) {
        if (map.isEmpty()) {
            return null;
        }
        Map<Long, Exception> m = map.get(w.tp);
        return m == null ? null : m.remove(w.offset());
    }
}
