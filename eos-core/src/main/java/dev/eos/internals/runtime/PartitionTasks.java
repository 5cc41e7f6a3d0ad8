package dev.eos.internals.runtime;

import dev.eos.TransactionalSink;
import dev.eos.internals.exec.Dispatcher;
import dev.eos.internals.exec.Work;
import dev.eos.internals.metrics.LiveStatus;
import dev.eos.internals.state.StateManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PartitionTask}s of a poll loop, one per assigned input partition: created on assignment (paused until
 * their stores are restored), given a new epoch on a reset (seeking back to the committed position), suspended on
 * a revoke (stores kept in case the partition comes straight back) and closed when the partition is gone: clean
 * after its final commit, dirty when lost. Told of commits and aborts by the transactions. Ending an epoch
 * expedites its records that wait for a retry, so their keys are free for the next epoch at once. Poll thread only.
 */
final class PartitionTasks implements dev.eos.internals.txn.Transactions.Listener {

    private static final Logger log = LoggerFactory.getLogger(PartitionTasks.class);

    /**
     * Test-only: when this system property is {@code true}, an abort does not seek the partitions back, which
     * loses the records of the aborted transaction. It exists so the chaos checker can be shown to catch a broken
     * pipeline; never set it otherwise.
     */
    static final String BROKEN_REWIND_PROPERTY = "dev.eos.internal.test.skipRewindAfterAbort";

    private final String app;
    private final LiveStatus status;
    /** The local state, or null for a stateless pipeline. */
    private final StateManager state;
    private final Consumer<byte[], byte[]> consumer;
    private final Dispatcher dispatcher;
    /** Where partitions resume when a sink holds the positions; null when Kafka does. */
    private final SinkPositions sinkPositions;
    private final Map<TopicPartition, PartitionTask> tasks = new HashMap<>();
    private final boolean brokenRewind = Boolean.getBoolean(BROKEN_REWIND_PROPERTY);
    private int suspended;

    PartitionTasks(String app, LiveStatus status, StateManager state, Consumer<byte[], byte[]> consumer,
            Dispatcher dispatcher, TransactionalSink sink) {
        this.app = app;
        this.status = status;
        this.state = state;
        this.consumer = consumer;
        this.dispatcher = dispatcher;
        this.sinkPositions = sink == null ? null : new SinkPositions(app, sink, consumer);
    }

    /** Partitions were assigned: a task each (a suspended one is taken back as it is); stores start restoring. */
    void assigned(Collection<TopicPartition> tps) {
        List<TopicPartition> restoring = new ArrayList<>();
        for (TopicPartition tp : tps) {
            PartitionTask task = tasks.get(tp);
            if (task != null && task.phase() == PartitionTask.Phase.SUSPENDED) {
                suspended--;
            }
            if (state != null) {
                state.assigned(List.of(tp)); // keeps the stores of a suspended task and their restore progress
            }
            boolean restores = state != null && state.isRestoring(tp) || sinkPositions != null;
            if (task == null) {
                tasks.put(tp, new PartitionTask(tp, restores));
            } else {
                task.resume(restores);
            }
            if (restores) {
                restoring.add(tp);
            }
        }
        if (sinkPositions != null) {
            sinkPositions.claim(restoring); // paused until the sink says where they resume
        } else if (!restoring.isEmpty()) {
            AssignedPartitions.pause(consumer, restoring); // until their stores are restored
        }
    }

    /** The task of an assigned partition (records only come from those). */
    PartitionTask task(TopicPartition tp) {
        return tasks.computeIfAbsent(tp, k -> new PartitionTask(k, false));
    }

    /** The tracker of {@code task}'s current epoch, begun on its first record; its records see fresh overlays. */
    PartitionTracker trackerFor(PartitionTask task) {
        PartitionTracker t = task.tracker();
        if (t == null) {
            t = newTracker(task.tp);
            task.begin(t);
        }
        return t;
    }

    private PartitionTracker newTracker(TopicPartition tp) {
        PartitionTracker t = new PartitionTracker(tp);
        if (state != null) {
            t.epoch.stores = state.epochStores(tp);
        }
        return t;
    }

    /** The tracker of {@code w}'s partition if {@code w} belongs to its current epoch, else null. */
    PartitionTracker current(Work w) {
        if (w.epoch.discarded) {
            return null;
        }
        PartitionTask task = tasks.get(w.tp);
        PartitionTracker t = task == null ? null : task.tracker();
        return t != null && t.epoch == w.epoch ? t : null;
    }

    /** The trackers of the current epochs. */
    List<PartitionTracker> all() {
        List<PartitionTracker> out = new ArrayList<>(tasks.size());
        for (PartitionTask task : tasks.values()) {
            if (task.tracker() != null) {
                out.add(task.tracker());
            }
        }
        return out;
    }

    /** The trackers of the current epochs of {@code tps}. */
    List<PartitionTracker> of(Collection<TopicPartition> tps) {
        List<PartitionTracker> out = new ArrayList<>();
        for (TopicPartition tp : tps) {
            PartitionTask task = tasks.get(tp);
            if (task != null && task.tracker() != null) {
                out.add(task.tracker());
            }
        }
        return out;
    }

    Collection<PartitionTask> tasks() {
        return tasks.values();
    }

    @Override
    public void onCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> {
            PartitionTask task = tasks.get(tp);
            if (task != null) {
                task.committed(o.offset());
            }
        });
        status.lastCommitMs = System.currentTimeMillis();
        if (sinkPositions != null) {
            sinkPositions.committed(offsets);
        }
    }

    @Override
    public void onSinkFenced(Set<TopicPartition> fenced) {
        log.warn("[app={}] another owner took {} in the sink: their work is dropped; each is claimed again only if "
                + "this instance still holds it after the next poll", app, fenced);
        for (TopicPartition tp : fenced) {
            PartitionTask task = tasks.get(tp);
            if (task != null) {
                expedite(task.endEpoch());
                task.awaitPosition();
            }
        }
        sinkPositions.claim(fenced);
    }

    @Override
    public void onAborted(boolean fenced) {
        resetAll();
        if (fenced) {
            rejoin();
        }
    }

    /**
     * Drops every record in flight and seeks each owned partition back to its committed position (with a sink:
     * pauses it until the sink says again where it resumes).
     */
    void resetAll() {
        Set<TopicPartition> owned = consumer.assignment();
        List<TopicPartition> reread = new ArrayList<>();
        for (PartitionTask task : tasks.values()) {
            if (task.tracker() == null) {
                continue; // no record taken since the last reset: the consumer is where it should be
            }
            expedite(task.endEpoch());
            task.begin(newTracker(task.tp));
            if (!owned.contains(task.tp) || brokenRewind) {
                continue;
            }
            if (sinkPositions != null) {
                task.awaitPosition();
                reread.add(task.tp);
            } else if (task.committedPosition() >= 0) {
                AssignedPartitions.seek(consumer, task.tp, task.committedPosition());
            }
        }
        if (!reread.isEmpty()) {
            sinkPositions.reread(reread);
        }
    }

    /** Partitions revoked, after their final commit: their epochs end, their stores stay open for now. */
    void revoked(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            PartitionTask task = tasks.get(tp);
            if (task != null && task.phase() != PartitionTask.Phase.SUSPENDED) {
                expedite(task.endEpoch());
                task.suspend();
                suspended++;
            }
        }
    }

    /**
     * Partitions lost (their transaction aborted), or revoked after a failed final commit: their epochs end and
     * their stores close dirty.
     */
    void lost(Collection<TopicPartition> tps) {
        close(tps, false);
    }

    /** Closes the suspended tasks whose partitions did not come back (clean: their final commit is done). */
    void closeSuspended() {
        if (suspended == 0) {
            return;
        }
        Set<TopicPartition> owned = consumer.assignment();
        List<TopicPartition> gone = new ArrayList<>();
        for (PartitionTask task : tasks.values()) {
            if (task.phase() == PartitionTask.Phase.SUSPENDED && !owned.contains(task.tp)) {
                gone.add(task.tp);
            }
        }
        close(gone, true);
    }

    /** Closes every task: {@code clean} after a clean stop (its final commit done), else dirty. */
    void closeAll(boolean clean) {
        close(new ArrayList<>(tasks.keySet()), clean);
        if (state != null) {
            state.close(clean);
        }
    }

    private void close(Collection<TopicPartition> tps, boolean clean) {
        List<TopicPartition> closed = new ArrayList<>();
        for (TopicPartition tp : tps) {
            PartitionTask task = tasks.remove(tp);
            if (task == null) {
                continue;
            }
            if (task.phase() == PartitionTask.Phase.SUSPENDED) {
                suspended--;
            }
            expedite(task.endEpoch());
            task.close(clean);
            closed.add(tp);
        }
        if (state != null && !closed.isEmpty()) {
            state.close(closed, clean);
        }
        if (sinkPositions != null) {
            sinkPositions.forget(tps);
        }
    }

    private void expedite(List<Work> dropped) {
        for (Work w : dropped) {
            dispatcher.expedite(w);
        }
    }

    /** Resumes the partitions whose stores are restored or whose positions the sink gave (paused till then). */
    void resumeReady() {
        if (state != null) {
            resumeRestored();
        }
        if (sinkPositions != null) {
            sinkPositions.resolve().forEach((tp, position) -> {
                PartitionTask task = tasks.get(tp);
                if (task != null) {
                    task.committed(position);
                    task.restored();
                }
            });
        }
    }

    private void resumeRestored() {
        List<TopicPartition> restored = state.takeRestored();
        if (restored.isEmpty()) {
            return;
        }
        Set<TopicPartition> owned = consumer.assignment();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : restored) {
            PartitionTask task = tasks.get(tp);
            if (task != null) {
                task.restored();
            }
            if (owned.contains(tp) && task != null && task.phase() == PartitionTask.Phase.RUNNING) {
                resume.add(tp);
            }
        }
        AssignedPartitions.resume(consumer, resume);
        log.info("[app={}] stores restored, processing {}", app, resume);
    }

    /** After fencing: rejoin the group, so that the new producer works with the current generation. */
    void rejoin() {
        try {
            consumer.enforceRebalance("transactional producer was fenced");
        } catch (RuntimeException e) {
            log.debug("[app={}] enforceRebalance: {}", app, e.toString());
        }
    }
}
