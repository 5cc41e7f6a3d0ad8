package dev.eos.internals.state;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.TopicPartition;

/** The local stores of one assigned input partition and where their restore stands. */
final class TaskStores {
    final TopicPartition input;
    final Map<String, LocalStore> stores = new LinkedHashMap<>();
    /** The partition was revoked or lost, or the pipeline is closing: the restore stops. */
    volatile boolean cancelled;
    /** Every store is restored: the partition may run. */
    volatile boolean restored;
    /** Handed to the poll thread to resume (poll thread only). */
    boolean resumed;
    /** Counted down when the restore thread is done with this partition (restored, cancelled or failed). */
    final CountDownLatch settled = new CountDownLatch(1);

    TaskStores(TopicPartition input) {
        this.input = input;
    }

    /** Changelog records the restore of this partition still has to read (0 once restored). */
    long restoreRemaining() {
        long n = 0;
        for (LocalStore s : stores.values()) {
            n += s.restoreRemaining;
        }
        return n;
    }
}
