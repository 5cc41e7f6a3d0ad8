package com.example;

import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;

public final class Uppercase {

    public static Pipeline<String, String> pipeline(String bootstrap, String input, String output) {
        OutputTopic<String, String> upper = OutputTopic.of(output, Serdes.String(), Serdes.String());
        return Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(bootstrap)
                .applicationId("uppercase")
                .inputTopics(input)
                .outputTopic(upper)
                .processor((record, context) -> context.emit(upper, record.key(), record.value().toUpperCase()))
                .build();
    }

    public static void main(String[] args) throws InterruptedException {
        Pipeline<String, String> pipeline = pipeline(args[0], "words", "upper");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> pipeline.close(Duration.ofSeconds(30))));
        pipeline.start();
        pipeline.awaitTermination(); // returns after a close (Ctrl-C); throws if the pipeline fails
    }
}
