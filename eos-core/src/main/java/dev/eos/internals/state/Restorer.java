package dev.eos.internals.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore thread ({@code eos-<app>-restore}): for each newly assigned partition it opens the stores and reads
 * their changelogs, read_committed, from the checkpoint (or the beginning) until the last stable offset equals the
 * high watermark, so that no transaction of a previous owner is still open on them. The other partitions keep
 * running meanwhile; the poll thread resumes the partition when {@link PartitionState#restored} is set.
 */
final class Restorer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Restorer.class);
    private static final long PROGRESS_MS = 10_000;

    private final String app;
    private final StateManager manager;
    private final Consumer<byte[], byte[]> committed;
    private final Consumer<byte[], byte[]> uncommitted;
    private final BlockingQueue<PartitionState> queue = new LinkedBlockingQueue<>();
    private volatile boolean stopped;
    volatile Throwable failure;

    /**
     * @param committed a read_committed consumer without a group, for the records
     * @param uncommitted a read_uncommitted consumer without a group, for the high watermarks
     */
    Restorer(String app, StateManager manager, Consumer<byte[], byte[]> committed,
            Consumer<byte[], byte[]> uncommitted) {
        this.app = app;
        this.manager = manager;
        this.committed = committed;
        this.uncommitted = uncommitted;
    }

    void submit(PartitionState p) {
        queue.add(p);
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                PartitionState p = queue.poll(100, TimeUnit.MILLISECONDS);
                if (p == null) {
                    continue;
                }
                try {
                    if (!p.cancelled) {
                        restore(p);
                    }
                } catch (RetriableException e) {
                    log.warn("[app={}] restoring partition {} failed ({}); retrying", app, p.input, e.toString());
                    Thread.sleep(1000);
                    queue.add(p);
                    continue;
                } catch (RuntimeException | Error e) {
                    p.settled.countDown();
                    throw e;
                }
                p.settled.countDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (!stopped) {
                failure = e;
            }
        } finally {
            for (PartitionState p : queue) {
                p.settled.countDown();
            }
            committed.close(Duration.ZERO);
            uncommitted.close(Duration.ZERO);
        }
    }

    private void restore(PartitionState p) throws InterruptedException {
        long started = System.nanoTime();
        long total = 0;
        for (StorePartition sp : p.stores.values()) {
            manager.open(sp);
            long n = restore(p, sp);
            if (n < 0) {
                return; // cancelled
            }
            total += n;
        }
        long ms = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        log.info("[app={}] partition {} restored: {} changelog record(s) of {} store(s) in {} ms ({} records/s)", app,
                p.input, total, p.stores.size(), ms, total * 1000 / ms);
        p.restored = true;
    }

    /** Restores one store partition; returns the records read, or -1 if the restore was cancelled. */
    private long restore(PartitionState p, StorePartition sp) throws InterruptedException {
        TopicPartition tp = sp.changelog;
        committed.assign(List.of(tp));
        long begin = committed.beginningOffsets(List.of(tp)).get(tp);
        long end = committed.endOffsets(List.of(tp)).get(tp);
        long from = sp.restoreFrom;
        if (from >= 0 && (from < begin || from > end)) {
            log.warn("[app={}] {}: checkpoint {} is outside the changelog {} [{}, {}]; rebuilding it from the "
                    + "beginning", app, sp, from, tp, begin, end);
            manager.wipe(sp);
            from = -1;
        }
        long start = from < 0 ? begin : from;
        committed.seek(tp, start);
        long done = 0;
        long lastLog = System.nanoTime();
        List<byte[][]> batch = new ArrayList<>();
        while (true) {
            if (p.cancelled || stopped) {
                return -1;
            }
            long position = committed.position(tp);
            if (position >= end) {
                end = committed.endOffsets(List.of(tp)).get(tp);
                long high = uncommitted.endOffsets(List.of(tp)).get(tp);
                if (position >= end && end >= high) {
                    break;
                }
                if (position >= end) {
                    Thread.sleep(50); // a transaction of a previous owner is still open on the changelog
                    continue;
                }
            }
            ConsumerRecords<byte[], byte[]> records = committed.poll(Duration.ofMillis(100));
            if (records.isEmpty()) {
                continue;
            }
            batch.clear();
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                batch.add(new byte[][] {r.key(), r.value()});
            }
            sp.base.write(batch);
            done += batch.size();
            if (System.nanoTime() - lastLog > PROGRESS_MS * 1_000_000) {
                lastLog = System.nanoTime();
                long at = committed.position(tp);
                log.info("[app={}] restoring {} from {}: {} record(s) done, about {} to go", app, sp, tp, done,
                        Math.max(0, end - at));
            }
        }
        sp.restoredTo = committed.position(tp);
        if (log.isDebugEnabled()) {
            log.debug("[app={}] {} restored from {} offsets {}..{}: {} record(s)", app, sp, tp, start, sp.restoredTo,
                    done);
        }
        return done;
    }
}
