package dev.eos;

import dev.eos.internals.exec.Epoch;
import dev.eos.internals.exec.RecordContext;
import dev.eos.internals.exec.Work;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the emit path on a worker thread: what {@code context.emit(topic, key, value)} does for one output of
 * a 100-byte value (check the topic is declared, copy the headers, serialize key and value with the topic's
 * serdes, build the producer record with the input's timestamp) and handing the record's outputs to its
 * {@link Work} with their size accounted. Reported per output record, context creation included.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EmitPathBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EmitPathBenchmark {

    private final OutputTopic<String, String> topic = OutputTopic.of("out", Serdes.String(), Serdes.String());
    private final Map<String, OutputTopic<?, ?>> declared = Map.of("out", topic);
    private final String key = "k4711";
    private final String value = "x".repeat(100);
    private final TopicPartition tp = new TopicPartition("in", 0);
    private final Epoch epoch = new Epoch();
    private final ConsumerRecord<byte[], byte[]> input = new ConsumerRecord<>("in", 0, 0, new byte[5], new byte[100]);

    @Benchmark
    public Work emitOne() {
        Work w = new Work(input, tp, epoch, null);
        RecordContext context = RecordContext.forAttempt(declared, "bench", "i", w, 1L, 1, false, null,
                dev.eos.internals.exec.PartitionCounts.UNKNOWN, misuse -> { });
        context.emit(topic, key, value);
        w.setOutputs(context.close(false));
        return w;
    }
}
