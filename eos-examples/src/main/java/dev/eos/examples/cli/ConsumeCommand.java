package dev.eos.examples.cli;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code eos kafka consume TOPIC}: prints the committed records of a topic, from the beginning. */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Prints the committed records of TOPIC from the beginning, as KEY:VALUE (read_committed:",
            "what exactly-once is about), until --max records or --timeout seconds without a new one."})
final class ConsumeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "the topic to read")
    String topic;

    @Option(names = "--max", paramLabel = "N", description = "stop after N records (default: no limit)")
    Integer max;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "stop after this long without a new record (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Mixin
    Bootstrap bootstrap;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Ranges.check(spec, "--max", max, 1, Integer.MAX_VALUE);
        Ranges.check(spec, "--timeout", timeoutSeconds, 1, 86_400);
        String servers = bootstrap.resolve(spec);
        long n = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", servers,
                "isolation.level", "read_committed", "enable.auto.commit", false), new StringDeserializer(),
                new StringDeserializer())) {
            Set<TopicPartition> tps = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long quietSince = System.nanoTime();
            while ((max == null || n < max)
                    && System.nanoTime() - quietSince < Duration.ofSeconds(timeoutSeconds).toNanos()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    System.out.println(r.key() == null ? r.value() : r.key() + ":" + r.value());
                    quietSince = System.nanoTime();
                    if (max != null && ++n >= max) {
                        break;
                    }
                    n += max == null ? 1 : 0;
                }
            }
        }
        System.out.flush();
        System.err.println("read " + n + " committed record(s) from " + topic);
        return 0;
    }
}
