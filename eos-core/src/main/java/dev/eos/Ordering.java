package dev.eos;

/**
 * What the worker pool keeps in order. Records that must stay in order are processed one at a time in offset
 * order; others run in parallel on up to {@code concurrency} worker threads. Whatever the ordering, outputs
 * are committed in offset order per partition, together with the offsets.
 */
public enum Ordering {
    /**
     * Records of one partition with the same key (compared as serialized bytes) one at a time, in offset
     * order; different keys in parallel. Records with a null key count as one key per partition. A failing
     * key holds back only its own later records.
     */
    KEY,
    /** Records of one partition one at a time, in offset order; partitions in parallel. */
    PARTITION,
    /** No order: any record may run at any time. */
    UNORDERED
}
