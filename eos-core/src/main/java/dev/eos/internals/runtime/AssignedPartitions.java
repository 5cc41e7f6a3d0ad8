package dev.eos.internals.runtime;

import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer calls on partitions that may no longer be assigned. The consumer group protocol's consumer drops a lost
 * partition on its own thread: until the poll thread's rebalance callback runs, a partition {@code assignment()}
 * listed a moment ago can be gone, and {@code currentLag}, {@code pause}, {@code resume} and {@code seek} throw
 * IllegalStateException ("No current assignment for partition") for it. Such a partition's lag is unknown and
 * there is nothing to pause, resume or rewind: its callback drops its work next. Poll thread only.
 */
final class AssignedPartitions {

    private AssignedPartitions() {
    }

    /** The partition's lag as of the last fetch, or empty when unknown or no longer assigned. */
    static OptionalLong lag(Consumer<?, ?> consumer, TopicPartition tp) {
        try {
            return consumer.currentLag(tp);
        } catch (IllegalStateException notAssigned) {
            return OptionalLong.empty();
        }
    }

    /** Pauses those of {@code tps} that are still assigned. */
    static void pause(Consumer<?, ?> consumer, Collection<TopicPartition> tps) {
        eachStillAssigned(tps, consumer::pause);
    }

    /** Resumes those of {@code tps} that are still assigned. */
    static void resume(Consumer<?, ?> consumer, Collection<TopicPartition> tps) {
        eachStillAssigned(tps, consumer::resume);
    }

    /** {@code call} on all of {@code tps} at once, or, if one is no longer assigned, on each that still is. */
    private static void eachStillAssigned(Collection<TopicPartition> tps,
            java.util.function.Consumer<Collection<TopicPartition>> call) {
        try {
            call.accept(tps);
        } catch (IllegalStateException notAssigned) {
            for (TopicPartition tp : tps) {
                try {
                    call.accept(List.of(tp));
                } catch (IllegalStateException gone) {
                    // dropped underneath: nothing to do for it
                }
            }
        }
    }

    /** Seeks the partition to {@code offset} if it is still assigned; returns whether it was. */
    static boolean seek(Consumer<?, ?> consumer, TopicPartition tp, long offset) {
        try {
            consumer.seek(tp, offset);
            return true;
        } catch (IllegalStateException notAssigned) {
            return false;
        }
    }
}
