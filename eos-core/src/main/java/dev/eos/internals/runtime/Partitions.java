package dev.eos.internals.runtime;

import dev.eos.internals.exec.Work;
import dev.eos.internals.flow.InFlightLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input partitions a poll loop owns, each as the {@link PartitionTracker} of its current epoch: creates a
 * tracker on the first record of an assignment, moves committed positions, and starts a new epoch on a reset
 * (seeking back to the committed position) or drops the partition on a revoke or loss. Dropping an epoch
 * expedites its records that wait for a retry, so their keys are free for the next epoch at once. Poll thread
 * only.
 */
final class Partitions {

    private static final Logger log = LoggerFactory.getLogger(Partitions.class);

    /**
     * Test-only: when this system property is {@code true}, an abort does not seek the partitions back, which
     * loses the records of the aborted transaction. It exists so the chaos checker can be shown to catch a broken
     * pipeline; never set it otherwise.
     */
    static final String BROKEN_REWIND_PROPERTY = "dev.eos.internal.test.skipRewindAfterAbort";

    private final PollLoop<?, ?> loop;
    private final Map<TopicPartition, PartitionTracker> trackers = new HashMap<>();
    private final boolean brokenRewind = Boolean.getBoolean(BROKEN_REWIND_PROPERTY);

    Partitions(PollLoop<?, ?> loop) {
        this.loop = loop;
    }

    PartitionTracker trackerFor(TopicPartition tp) {
        return trackers.computeIfAbsent(tp, PartitionTracker::new);
    }

    PartitionTracker get(TopicPartition tp) {
        return trackers.get(tp);
    }

    /** The tracker of {@code w}'s partition if {@code w} belongs to its current epoch, else null. */
    PartitionTracker current(Work w) {
        if (w.epoch.discarded) {
            return null;
        }
        PartitionTracker t = trackers.get(w.tp);
        return t != null && t.epoch == w.epoch ? t : null;
    }

    List<PartitionTracker> all() {
        return new ArrayList<>(trackers.values());
    }

    List<PartitionTracker> of(Collection<TopicPartition> tps) {
        List<PartitionTracker> out = new ArrayList<>();
        for (TopicPartition tp : tps) {
            PartitionTracker t = trackers.get(tp);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    void onCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> {
            PartitionTracker t = trackers.get(tp);
            if (t != null) {
                t.committed = o.offset();
            }
        });
    }

    /** Drops every record in flight and seeks each owned partition back to its committed position. */
    void resetAll() {
        Set<TopicPartition> owned = loop.consumer.assignment();
        for (PartitionTracker old : new ArrayList<>(trackers.values())) {
            discard(old);
            PartitionTracker fresh = new PartitionTracker(old.tp);
            fresh.committed = old.committed;
            trackers.put(old.tp, fresh);
            if (old.committed >= 0 && owned.contains(old.tp) && !brokenRewind) {
                loop.consumer.seek(old.tp, old.committed);
            }
        }
    }

    /** Forgets revoked or lost partitions. */
    void drop(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            PartitionTracker t = trackers.remove(tp);
            if (t != null) {
                discard(t);
            }
        }
        loop.transactions.forget(tps);
    }

    private void discard(PartitionTracker t) {
        for (Work w : t.discard()) {
            loop.dispatcher.expedite(w);
        }
    }

    /** Pauses the partitions over their share of a reached in-flight limit, resumes the others. */
    void applyBackPressure(InFlightLimits limits) {
        Set<TopicPartition> assigned = loop.consumer.assignment();
        int n = assigned.size();
        if (n == 0) {
            return;
        }
        long totalRecords = 0;
        long totalBytes = 0;
        for (PartitionTracker t : trackers.values()) {
            totalRecords += t.records();
            totalBytes += t.bytes();
        }
        Set<TopicPartition> paused = loop.consumer.paused();
        List<TopicPartition> pause = new ArrayList<>(0);
        List<TopicPartition> resume = new ArrayList<>(0);
        for (TopicPartition tp : assigned) {
            PartitionTracker t = trackers.get(tp);
            boolean over = t != null && limits.mustPause(t.records(), t.bytes(), totalRecords, totalBytes, n);
            if (over && !paused.contains(tp)) {
                pause.add(tp);
            } else if (!over && paused.contains(tp)) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            loop.consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            loop.consumer.resume(resume);
        }
    }

    /** After fencing: rejoin the group, so that the new producer works with the current generation. */
    void rejoin() {
        try {
            loop.consumer.enforceRebalance("transactional producer was fenced");
        } catch (RuntimeException e) {
            log.debug("[app={}] enforceRebalance: {}", loop.app, e.toString());
        }
    }
}
