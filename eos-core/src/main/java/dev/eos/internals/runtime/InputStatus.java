package dev.eos.internals.runtime;

import dev.eos.internals.exec.Work;
import dev.eos.internals.metrics.LiveStatus;
import dev.eos.internals.state.StateManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What the poll loop reads off its input for others and for itself: the live figures that gauges and
 * {@code Pipeline.health()} show (records in flight, the oldest one, lag, paused and restoring partitions), and
 * whether the input has caught up. Poll thread only.
 */
final class InputStatus {

    private final LiveStatus status;
    private long lastRefreshMs;

    InputStatus(LiveStatus status) {
        this.status = status;
    }

    /** Refreshes the live status, at most every {@link LiveStatus#REFRESH_MS}. */
    void refresh(PartitionTasks tasks, Consumer<byte[], byte[]> consumer, BackPressure backPressure,
            StateManager state, long nowMs) {
        if (nowMs - lastRefreshMs < LiveStatus.REFRESH_MS) {
            return;
        }
        lastRefreshMs = nowMs;
        long inFlight = 0;
        long held = 0;
        Work oldest = null;
        for (PartitionTracker t : tasks.all()) {
            inFlight += t.records();
            held += t.held();
            Work head = t.oldest();
            if (head != null && (oldest == null || head.takenAtMs < oldest.takenAtMs)) {
                oldest = head;
            }
        }
        long lag = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong l = AssignedPartitions.lag(consumer, tp);
            if (l.isEmpty()) {
                lag = -1;
                break;
            }
            lag += l.getAsLong();
        }
        status.recordsInFlight = inFlight;
        status.recordsHeld = held;
        status.partitionsPaused = backPressure.pausedCount();
        status.lag = lag;
        status.oldestStarted = oldest != null && oldest.started;
        status.oldestInFlight = oldest == null ? null : oldest.coordinates();
        status.oldestTakenAtMs = oldest == null ? 0 : oldest.takenAtMs;
        if (state != null) {
            Map<String, Long> restoring = new LinkedHashMap<>();
            long remaining = 0;
            for (Map.Entry<TopicPartition, Long> e : state.restoring().entrySet()) {
                restoring.put(e.getKey().toString(), e.getValue());
                remaining += e.getValue();
            }
            status.restoring = restoring.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(restoring);
            status.restoreRemaining = remaining;
            status.restoredRecords = state.restoredRecords();
            status.restoresFinished = state.restoresFinished();
        }
    }

    /**
     * Whether the input has caught up: the records that wait in the log (the lag behind each partition's high
     * watermark, as of the last fetch) would fit in one poll. Then the open transaction may commit early; while a
     * backlog waits, transactions run for commit.interval.ms and stay large.
     */
    static boolean caughtUp(Consumer<byte[], byte[]> consumer, int maxPollRecords) {
        long waiting = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = AssignedPartitions.lag(consumer, tp);
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
}
