package dev.eos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one partition taken from the consumer and not yet sent, in offset order, for one ownership
 * epoch of the partition. Only the poll thread uses it, except {@link #acceptingNew} and {@link #discarded},
 * which workers read.
 *
 * <p>The completed prefix is what may be sent and marked consumed: {@link #advance()} returns the records at
 * the head that completed, in offset order, and stops at the first one that did not. So the position committed
 * for the partition never passes a record that has not completed.
 */
final class PartitionTracker {
    final TopicPartition tp;
    private final ArrayDeque<Work> pending = new ArrayDeque<>();
    /** The committed position: where processing resumes after an abort; -1 until known. */
    long committed = -1;
    /** The position after the last record sent in the open transaction; -1 if none. */
    long next = -1;
    /** False once the partition is being revoked or reset: records that have not started are cancelled. */
    volatile boolean acceptingNew = true;
    /** True once this epoch of the partition is dropped: results of its records are ignored. */
    volatile boolean discarded;

    PartitionTracker(TopicPartition tp) {
        this.tp = tp;
    }

    void add(Work w) {
        Work last = pending.peekLast();
        if (last != null && w.offset() <= last.offset()) {
            throw new IllegalStateException("Offsets of " + tp + " must increase: " + w.offset() + " after "
                    + last.offset());
        }
        pending.addLast(w);
    }

    /** Removes and returns the completed records at the head, in offset order. */
    List<Work> advance() {
        List<Work> out = null;
        while (!pending.isEmpty()) {
            Work head = pending.peekFirst();
            if (!head.drained || head.cancelled) {
                break;
            }
            pending.pollFirst();
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(head);
            next = head.offset() + 1;
        }
        return out == null ? List.of() : out;
    }

    /** Whether a record of this partition is running on a worker (started, not yet completed). */
    boolean hasRunning() {
        for (Work w : pending) {
            if (w.started && !w.drained && !w.cancelled) {
                return true;
            }
        }
        return false;
    }

    /** Output bytes held by completed records not yet sent. */
    long heldBytes() {
        long b = 0;
        for (Work w : pending) {
            if (w.drained) {
                b += w.outputBytes;
            }
        }
        return b;
    }

    int size() {
        return pending.size();
    }

    /** Marks this epoch dropped; returns the output bytes it held. */
    long discard() {
        acceptingNew = false;
        discarded = true;
        long b = heldBytes();
        pending.clear();
        return b;
    }
}
