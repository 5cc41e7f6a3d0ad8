package dev.eos;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * Measures the emit path on a worker thread: what {@code emitter.emit(topic, key, value)} does for one output of
 * a 100-byte value (copy the headers, serialize key and value with the topic's serdes, build the producer record)
 * and handing the record's outputs to its {@link Work} with their size accounted. Reported per output record.
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
    private final String key = "k4711";
    private final String value = "x".repeat(100);
    private final PartitionTracker tracker = new PartitionTracker(new TopicPartition("in", 0));
    private final ConsumerRecord<byte[], byte[]> input = new ConsumerRecord<>("in", 0, 0, new byte[5], new byte[100]);

    @Benchmark
    public Work emitOne() {
        Headers h = new RecordHeaders(new RecordHeaders().toArray());
        byte[] k = topic.keySerializer().serialize(topic.name(), h, key);
        byte[] v = topic.valueSerializer().serialize(topic.name(), h, value);
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>(2);
        outputs.add(new ProducerRecord<>(topic.name(), null, null, k, v, h));
        Work w = new Work(input, tracker, null);
        w.setOutputs(outputs);
        return w;
    }
}
