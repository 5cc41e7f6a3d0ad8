package dev.eos.internals.runtime;

import dev.eos.internals.exec.Epoch;
import dev.eos.internals.exec.Work;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one partition taken from the consumer and not yet sent, in offset order, for one
 * {@link Epoch} of the partition. Only the poll thread uses it.
 *
 * <p>The completed prefix is what may be sent and marked consumed: {@link #advance()} returns the records at
 * the head that completed, in offset order, and stops at the first one that did not. So the position committed
 * for the partition never passes a record that has not completed. A record counts toward the partition's load
 * (records and bytes, see {@link dev.eos.internals.flow.InFlightLimits}) from the poll that took it until
 * {@code advance} hands it over to be sent.
 */
public final class PartitionTracker {
    public final TopicPartition tp;
    public final Epoch epoch = new Epoch();
    private final ArrayDeque<Work> pending = new ArrayDeque<>();
    private long bytes;

    public PartitionTracker(TopicPartition tp) {
        this.tp = tp;
    }

    public void add(Work w) {
        Work last = pending.peekLast();
        if (last != null && w.offset() <= last.offset()) {
            throw new IllegalStateException("Offsets of " + tp + " must increase: " + w.offset() + " after "
                    + last.offset());
        }
        pending.addLast(w);
        bytes += w.inputBytes;
    }

    /** The poll thread took the completed result of {@code w}: its outputs now count too. */
    public void completed(Work w) {
        w.completed = true;
        bytes += w.outputBytes;
    }

    /** Removes and returns the completed records at the head, in offset order. */
    public List<Work> advance() {
        return advance(Integer.MAX_VALUE);
    }

    /** Removes and returns at most {@code max} completed records at the head, in offset order. */
    public List<Work> advance(int max) {
        List<Work> out = null;
        while (!pending.isEmpty() && (out == null || out.size() < max)) {
            Work head = pending.peekFirst();
            if (!head.completed || head.cancelled) {
                break;
            }
            pending.pollFirst();
            bytes -= head.inputBytes + head.outputBytes;
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(head);
        }
        return out == null ? List.of() : out;
    }

    /** Whether a record of this partition is running on a worker or waiting for a retry. */
    public boolean hasRunning() {
        for (Work w : pending) {
            if (w.started && !w.completed && !w.cancelled) {
                return true;
            }
        }
        return false;
    }

    /** The oldest record taken and not yet sent, or null. */
    public Work oldest() {
        return pending.peekFirst();
    }

    /** Records completed and held behind an earlier record that has not. */
    public int held() {
        int n = 0;
        for (Work w : pending) {
            if (w.completed && !w.cancelled) {
                n++;
            }
        }
        return n;
    }

    /** Records taken and not yet sent. */
    public int records() {
        return pending.size();
    }

    /** Bytes of input, and of outputs of completed records, taken and not yet sent. */
    public long bytes() {
        return bytes;
    }

    /** Drops this epoch; returns the records it held, so that those waiting for a retry can be expedited. */
    public List<Work> discard() {
        epoch.acceptingNew = false;
        epoch.discarded = true;
        List<Work> dropped = new ArrayList<>(pending);
        pending.clear();
        bytes = 0;
        return dropped;
    }
}
