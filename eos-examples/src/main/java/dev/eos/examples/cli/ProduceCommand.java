package dev.eos.examples.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code eos kafka produce TOPIC}: writes one string record per line of standard input. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Writes one record per line of standard input to TOPIC: KEY:VALUE, or a VALUE with no key.",
            "Example: printf 'k1:hello\\nk2:world\\n' | ./eos kafka produce words"})
final class ProduceCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "the topic to write to")
    String topic;

    @Mixin
    Bootstrap bootstrap;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String servers = bootstrap.resolve(spec);
        long n = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", servers,
                "max.block.ms", 30_000), new StringSerializer(), new StringSerializer());
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int colon = line.indexOf(':');
                String key = colon < 0 ? null : line.substring(0, colon);
                String value = colon < 0 ? line : line.substring(colon + 1);
                producer.send(new ProducerRecord<>(topic, key, value)).get();
                n++;
            }
        }
        System.err.println("wrote " + n + " record(s) to " + topic + " on " + servers);
        return 0;
    }
}
