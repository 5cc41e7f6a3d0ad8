package dev.eos.benchmarks.pc;

import dev.eos.benchmarks.Scenario;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The {@code parallel-consumer-tx} contender: Confluent Parallel Consumer with KEY order and its transactional
 * producer ({@code PERIODIC_TRANSACTIONAL_PRODUCER}), reading with read_committed and applying the scenario's
 * transform. It runs in a JVM of its own (it needs kafka-clients 3.x); the harness starts it with
 * {@code bootstrap app input output scenario concurrency} and stops it with SIGTERM, which closes it cleanly.
 */
public final class ParallelConsumerContender {

    private ParallelConsumerContender() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: ParallelConsumerContender BOOTSTRAP APP INPUT OUTPUT SCENARIO CONCURRENCY");
            System.exit(2);
        }
        String bootstrap = args[0];
        String app = args[1];
        String input = args[2];
        String output = args[3];
        Scenario scenario = Scenario.of(args[4]);
        int concurrency = Integer.parseInt(args[5]);

        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, app);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, app + "-pc");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        ParallelConsumerOptions<String, String> options = ParallelConsumerOptions.<String, String>builder()
                .ordering(ProcessingOrder.KEY)
                .commitMode(CommitMode.PERIODIC_TRANSACTIONAL_PRODUCER)
                .maxConcurrency(concurrency)
                .consumer(new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer()))
                .producer(new KafkaProducer<>(p, new StringSerializer(), new StringSerializer()))
                .build();
        ParallelStreamProcessor<String, String> pc = ParallelStreamProcessor.createEosStreamProcessor(options);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pc.close();
            } finally {
                closed.countDown();
            }
        }, "pc-close"));
        pc.subscribe(List.of(input));
        pc.pollAndProduce(ctx -> {
            try {
                return new ProducerRecord<>(output, ctx.key(), scenario.transform(ctx.value()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        System.out.println("parallel-consumer-tx running on " + input + " (" + scenario.label() + ", " + concurrency
                + " threads)");
        closed.await();
    }
}
