package dev.eos;

import dev.eos.internals.exec.Work;
import dev.eos.internals.runtime.PartitionTracker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures offset tracking on the poll thread: adding a batch of records of one partition to its
 * {@link PartitionTracker}, completing them in a random order, and advancing the completed prefix after each
 * completion (what the poll loop does). Reported per batch; divide by {@code batch} for the cost per record.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar OffsetTrackingBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OffsetTrackingBenchmark {

    @Param({"64", "1024"})
    public int batch;

    private List<ConsumerRecord<byte[], byte[]>> records;
    private int[] completionOrder;
    private final TopicPartition tp = new TopicPartition("in", 0);

    @Setup(Level.Trial)
    public void setUp() {
        records = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            records.add(new ConsumerRecord<>("in", 0, i, new byte[8], new byte[100]));
            order.add(i);
        }
        Collections.shuffle(order, new Random(42));
        completionOrder = order.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Returns the final position so the work is not optimized away. */
    @Benchmark
    public long trackBatch() {
        PartitionTracker t = new PartitionTracker(tp);
        Work[] works = new Work[batch];
        for (int i = 0; i < batch; i++) {
            works[i] = new Work(records.get(i), tp, t.epoch, null);
            t.add(works[i]);
        }
        long advanced = 0;
        for (int i : completionOrder) {
            t.completed(works[i]);
            advanced += t.advance().size();
        }
        return advanced + t.records();
    }
}
