package dev.eos;

import dev.eos.internals.exec.Dispatcher;
import dev.eos.internals.exec.OrderingKey;
import dev.eos.internals.exec.Work;
import dev.eos.internals.runtime.PartitionTracker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the dispatch overhead of the worker pool under KEY order: 10,000 records over {@code keys} keys
 * submitted to a {@link Dispatcher} of 8 threads whose task does nothing, until the last completes. Reported
 * per record: the cost the pool adds to each record besides the user's function.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar KeyDispatchBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KeyDispatchBenchmark {

    private static final int RECORDS = 10_000;

    @Param({"10", "1000"})
    public int keys;

    private Dispatcher dispatcher;
    private volatile CountDownLatch done;
    private List<ConsumerRecord<byte[], byte[]>> records;
    private PartitionTracker tracker;

    @Setup(Level.Trial)
    public void setUp() {
        dispatcher = new Dispatcher("bench", 8, (w, from) -> {
            done.countDown();
            return -1;
        }, null);
        tracker = new PartitionTracker(new TopicPartition("in", 0));
        records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(new ConsumerRecord<>("in", 0, i, new byte[] {(byte) (i % keys), (byte) ((i % keys) >> 8)},
                    new byte[100]));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dispatcher.shutdownNow();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void dispatch() throws InterruptedException {
        done = new CountDownLatch(RECORDS);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            dispatcher.submit(new Work(r, tracker.tp, tracker.epoch, new OrderingKey(tracker.tp, r.key())));
        }
        done.await();
    }
}
