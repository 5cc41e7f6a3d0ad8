package dev.eos.internals.runtime;

import dev.eos.internals.exec.Work;
import dev.eos.internals.flow.InFlightLimits;
import dev.eos.internals.metrics.LiveStatus;
import dev.eos.internals.state.StateManager;
import dev.eos.internals.txn.Transactions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
final class Partitions implements Transactions.Listener {

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
    private long lastRefreshMs;
    /** Whether back-pressure has partitions paused (so a later iteration may have to resume them). */
    private boolean pausing;

    private final LiveStatus status;

    Partitions(PollLoop<?, ?> loop, LiveStatus status) {
        this.loop = loop;
        this.status = status;
    }

    PartitionTracker trackerFor(TopicPartition tp) {
        return trackers.computeIfAbsent(tp, this::newTracker);
    }

    /** A tracker for a new epoch of {@code tp}; its records see the partition's stores through fresh overlays. */
    private PartitionTracker newTracker(TopicPartition tp) {
        PartitionTracker t = new PartitionTracker(tp);
        if (loop.state != null) {
            t.epoch.stores = loop.state.epochStores(tp);
        }
        return t;
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

    @Override
    public void onCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> {
            PartitionTracker t = trackers.get(tp);
            if (t != null) {
                t.committed = o.offset();
            }
        });
        status.lastCommitMs = System.currentTimeMillis();
    }

    @Override
    public void onAborted(boolean fenced) {
        resetAll();
        if (fenced) {
            rejoin();
        }
    }

    /** Drops every record in flight and seeks each owned partition back to its committed position. */
    void resetAll() {
        Set<TopicPartition> owned = loop.consumer.assignment();
        for (PartitionTracker old : new ArrayList<>(trackers.values())) {
            discard(old);
            PartitionTracker fresh = newTracker(old.tp);
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
        long totalRecords = 0;
        long totalBytes = 0;
        for (PartitionTracker t : trackers.values()) {
            totalRecords += t.records();
            totalBytes += t.bytes();
        }
        if (!pausing && !limits.reached(totalRecords, totalBytes)) {
            return; // the common case: no limit reached and nothing to resume
        }
        Set<TopicPartition> assigned = loop.consumer.assignment();
        Set<TopicPartition> paused = loop.consumer.paused();
        int n = assigned.size();
        List<TopicPartition> pause = new ArrayList<>(0);
        List<TopicPartition> resume = new ArrayList<>(0);
        for (TopicPartition tp : assigned) {
            PartitionTracker t = trackers.get(tp);
            boolean over = t != null && limits.mustPause(t.records(), t.bytes(), totalRecords, totalBytes, n);
            if (over && !paused.contains(tp)) {
                pause.add(tp);
            } else if (!over && paused.contains(tp) && (loop.state == null || !loop.state.isRestoring(tp))) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            loop.consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            loop.consumer.resume(resume);
        }
        pausing = paused.size() + pause.size() - resume.size() > 0;
    }

    /** Refreshes what gauges and {@code Pipeline.health()} read, at most every {@link LiveStatus#REFRESH_MS}. */
    void refreshStatus(LiveStatus status, long nowMs) {
        if (nowMs - lastRefreshMs < LiveStatus.REFRESH_MS) {
            return;
        }
        lastRefreshMs = nowMs;
        long inFlight = 0;
        long held = 0;
        Work oldest = null;
        for (PartitionTracker t : trackers.values()) {
            inFlight += t.records();
            held += t.held();
            Work head = t.oldest();
            if (head != null && (oldest == null || head.takenAtMs < oldest.takenAtMs)) {
                oldest = head;
            }
        }
        long lag = 0;
        for (TopicPartition tp : loop.consumer.assignment()) {
            OptionalLong l = loop.consumer.currentLag(tp);
            if (l.isEmpty()) {
                lag = -1;
                break;
            }
            lag += l.getAsLong();
        }
        status.recordsInFlight = inFlight;
        status.recordsHeld = held;
        status.partitionsPaused = loop.consumer.paused().size();
        status.lag = lag;
        status.oldestStarted = oldest != null && oldest.started;
        status.oldestInFlight = oldest == null ? null : oldest.coordinates();
        status.oldestTakenAtMs = oldest == null ? 0 : oldest.takenAtMs;
    }

    /**
     * Whether the input has caught up: the records that wait in the log (the lag behind each partition's high
     * watermark, as of the last fetch) would fit in one poll. Then the open transaction may commit early; while a
     * backlog waits, transactions run for commit.interval.ms and stay large.
     */
    boolean caughtUp(int maxPollRecords) {
        long waiting = 0;
        for (TopicPartition tp : loop.consumer.assignment()) {
            OptionalLong lag = loop.consumer.currentLag(tp);
            if (lag.isEmpty()) {
                return false;
            }
            waiting += lag.getAsLong();
            if (waiting > maxPollRecords) {
                return false;
            }
        }
        return true;
    }

    /** Resumes the partitions whose stores are restored (they were paused when assigned). */
    void resumeRestored(StateManager state) {
        List<TopicPartition> restored = state.takeRestored();
        if (!restored.isEmpty()) {
            List<TopicPartition> owned = new ArrayList<>(restored);
            owned.retainAll(loop.consumer.assignment());
            loop.consumer.resume(owned);
            log.info("[app={}] stores restored, processing {}", loop.app, owned);
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
