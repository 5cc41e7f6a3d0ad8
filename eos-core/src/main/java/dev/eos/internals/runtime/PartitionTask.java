package dev.eos.internals.runtime;

import dev.eos.internals.exec.Work;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The owner of one assigned input partition: its phase, the {@link PartitionTracker} of its current epoch (the
 * records taken and not yet sent) and its committed position. Its stores live in the state manager under the same
 * partition; this task says when they are opened (assigned), kept (revoked and assigned back in one rebalance) and
 * closed, clean or dirty. Poll thread only.
 *
 * <pre>
 * RESTORING -&gt; RUNNING            stores restored, or the sink said where it resumes (else it starts RUNNING)
 * RUNNING -&gt; RESTORING            with a sink: after an abort or a fencing, until the sink says it again
 * RESTORING | RUNNING -&gt; SUSPENDED  revoked, after its final commit: stores kept open
 * SUSPENDED -&gt; RESTORING | RUNNING  assigned back in the same rebalance
 * SUSPENDED -&gt; CLOSED_CLEAN         not assigned back, or a clean stop: stores flushed and closed
 * any -&gt; CLOSED_DIRTY               lost, or the pipeline failed or was abandoned: stores closed as they are
 * </pre>
 */
final class PartitionTask {

    /** Where a task is in its life. */
    enum Phase {
        RESTORING, RUNNING, SUSPENDED, CLOSED_CLEAN, CLOSED_DIRTY
    }

    final TopicPartition tp;
    private Phase phase;
    /** The current epoch's tracker, or null until its first record. */
    private PartitionTracker tracker;
    /** The committed position: where processing resumes after an abort; -1 until known. */
    private long committed = -1;

    PartitionTask(TopicPartition tp, boolean restoring) {
        this.tp = tp;
        this.phase = restoring ? Phase.RESTORING : Phase.RUNNING;
    }

    Phase phase() {
        return phase;
    }

    boolean isRestoring() {
        return phase == Phase.RESTORING;
    }

    /** The tracker of the current epoch, or null if none has begun. */
    PartitionTracker tracker() {
        return tracker;
    }

    /** Begins an epoch with {@code t}. */
    void begin(PartitionTracker t) {
        tracker = t;
    }

    /** A record at {@code offset} was taken: if no position is known yet, processing started there. */
    void taken(long offset) {
        if (committed < 0) {
            committed = offset;
        }
    }

    /** A transaction committed this partition up to {@code offset}. */
    void committed(long offset) {
        committed = offset;
    }

    /** The committed position; -1 if unknown. */
    long committedPosition() {
        return committed;
    }

    /** Ends the current epoch; returns its records, so that those waiting for a retry can be expedited. */
    List<Work> endEpoch() {
        if (tracker == null) {
            return List.of();
        }
        List<Work> dropped = tracker.discard();
        tracker = null;
        return dropped;
    }

    /** With a sink: not processed until the sink says where it resumes (after an abort or a fencing). */
    void awaitPosition() {
        if (phase == Phase.RUNNING) {
            phase = Phase.RESTORING;
        }
    }

    void restored() {
        if (phase == Phase.RESTORING) {
            phase = Phase.RUNNING;
        }
    }

    /** Revoked after its final commit: its stores stay open in case it is assigned back. */
    void suspend() {
        phase = Phase.SUSPENDED;
    }

    /** Assigned back while suspended. */
    void resume(boolean restoring) {
        phase = restoring ? Phase.RESTORING : Phase.RUNNING;
    }

    void close(boolean clean) {
        phase = clean ? Phase.CLOSED_CLEAN : Phase.CLOSED_DIRTY;
    }

    @Override
    public String toString() {
        return "task " + tp + " (" + phase + ")";
    }
}
