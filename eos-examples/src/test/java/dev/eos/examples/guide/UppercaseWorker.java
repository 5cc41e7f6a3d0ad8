package dev.eos.examples.guide;

import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The uppercase pipeline as a worker process for {@code ChaosTest}: it reads the kit's command line
 * ({@code --bootstrap B --app A --instance I --input T --output T --group-protocol P}), runs until SIGTERM, and
 * then closes the pipeline.
 */
public final class UppercaseWorker {

    private UppercaseWorker() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].substring(2), args[i + 1]);
        }
        OutputTopic<String, String> upper = OutputTopic.of(a.get("output"), Serdes.String(), Serdes.String());
        Pipeline<String, String> pipeline = Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(a.get("bootstrap"))
                .applicationId(a.get("app"))
                .instanceId(a.get("instance"))
                .inputTopics(a.get("input"))
                .outputTopic(upper)
                .config("consumer.group.protocol", a.get("group-protocol"))
                .processor((record, context) -> context.emit(upper, record.key(), record.value().toUpperCase()))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> pipeline.close(Duration.ofSeconds(20))));
        pipeline.start();
        pipeline.awaitTermination(); // returns after SIGTERM's close; throws (exit code 1) if the pipeline fails
    }
}
