package dev.eos.internals.runtime;

import dev.eos.internals.flow.InFlightLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Pauses the partitions over their share of a reached in-flight limit and resumes them when they are back under
 * it; a partition whose stores are being restored stays paused for that reason, not this one. Poll thread only.
 */
final class BackPressure {

    private final InFlightLimits limits;
    private final IntSupplier abandonedStages;
    private final LongSupplier sentStateBytes;
    /** Partitions this class paused (restoring partitions are paused by their tasks). */
    private final java.util.Set<TopicPartition> paused = new java.util.HashSet<>();

    /**
     * @param abandonedStages the stages of ended attempts that still run ({@code Dispatcher.abandonedStages()}):
     *     they count as records in flight until they end
     * @param sentStateBytes the store writes of sent records not yet folded or aborted
     *     ({@code Transactions.stateBytes()}): they count as bytes in flight until then
     */
    BackPressure(InFlightLimits limits, IntSupplier abandonedStages, LongSupplier sentStateBytes) {
        this.limits = limits;
        this.abandonedStages = abandonedStages;
        this.sentStateBytes = sentStateBytes;
    }

    /** How many assigned partitions back-pressure has paused. */
    int pausedCount() {
        return paused.size();
    }

    void apply(PartitionTasks tasks, Consumer<byte[], byte[]> consumer) {
        // what is in flight outside every partition's tracker shrinks what the partitions may hold
        InFlightLimits left = limits.less(abandonedStages.getAsInt(), sentStateBytes.getAsLong());
        long totalRecords = 0;
        long totalBytes = 0;
        for (PartitionTask task : tasks.tasks()) {
            PartitionTracker t = task.tracker();
            if (t != null) {
                totalRecords += t.records();
                totalBytes += t.bytes();
            }
        }
        if (paused.isEmpty() && !left.reached(totalRecords, totalBytes)) {
            return; // the common case: no limit reached and nothing to resume
        }
        Set<TopicPartition> assigned = consumer.assignment();
        paused.retainAll(consumer.paused()); // a rebalance unpauses what it assigns anew
        int n = assigned.size();
        List<TopicPartition> pause = new ArrayList<>(0);
        List<TopicPartition> resume = new ArrayList<>(0);
        for (PartitionTask task : tasks.tasks()) {
            if (!assigned.contains(task.tp) || task.isRestoring()) {
                continue;
            }
            PartitionTracker t = task.tracker();
            boolean over = t != null && left.mustPause(t.records(), t.bytes(), totalRecords, totalBytes, n);
            if (over && paused.add(task.tp)) {
                pause.add(task.tp);
            } else if (!over && paused.remove(task.tp)) {
                resume.add(task.tp);
            }
        }
        if (!pause.isEmpty()) {
            AssignedPartitions.pause(consumer, pause);
        }
        if (!resume.isEmpty()) {
            AssignedPartitions.resume(consumer, resume);
        }
    }
}
