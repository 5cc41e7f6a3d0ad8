package dev.eos.tests.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import dev.eos.examples.InputGenerator;
import dev.eos.examples.MapExample;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import dev.eos.testkit.chaos.OutputCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/**
 * The checker must catch a broken pipeline: with a test-only switch, the pipeline does not seek back after an
 * abort (the bug of KAFKA-17582 in a hand-written loop). An output the broker rejects forces an abort; the
 * records of the aborted transaction are then lost, and the checker reports it. The same run without the
 * switch is clean.
 */
@WithKafkaCluster
class BrokenPipelineIT {

    private static final String SWITCH = "dev.eos.internal.test.skipRewindAfterAbort";
    private static final String BIG = InputGenerator.value(1_500);

    @Test
    void shouldCatchAPipelineThatDoesNotRewindAfterAnAbort(KafkaCluster kafka) throws Exception {
        OutputCheck.Report correct = runWithRejectedOutput(kafka, false);
        assertThat(correct.violations()).as("the correct pipeline: " + correct).isZero();

        OutputCheck.Report broken = runWithRejectedOutput(kafka, true);
        System.out.println("broken pipeline, as the checker sees it: " + broken);
        assertThat(broken.lost).as("the checker reports what the broken pipeline lost: " + broken).isPositive();
        assertThat(broken.violations()).isPositive();
    }

    private static OutputCheck.Report runWithRejectedOutput(KafkaCluster kafka, boolean broken) throws Exception {
        String run = "broken-" + broken + "-" + UUID.randomUUID().toString().substring(0, 6);
        String input = run + "-in";
        String output = run + "-out";
        String dlq = run + "-dlq";
        kafka.createTopics(2, input);
        kafka.createTopics(1, dlq);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(output, 2, kafka.replicationFactor())
                    .configs(Map.of("max.message.bytes", "2000")))).all().get();
        }
        Thread.sleep(500);
        InputGenerator.produce(kafka.bootstrapServers(), input, 0, 3_000, 100, null);
        OutputTopic<String, String> out = OutputTopic.of(output, Serdes.String(), Serdes.String());
        if (broken) {
            System.setProperty(SWITCH, "true");
        }
        try {
            Pipeline<String, String> p = Pipeline.builder(Serdes.String(), Serdes.String())
                    .bootstrapServers(kafka.bootstrapServers()).applicationId(run).inputTopics(input)
                    .outputTopic(out).deadLetterTopic(dlq).config("commit.interval.ms", 1_000)
                    .config("commit.eager", false)
                    .config("output.transaction.header", true)
                    .processor((r, ctx) -> ctx.emit(out, r.key(), r.value().equals(BIG)
                            ? "x".repeat(5_000) : MapExample.PREFIX + r.value()))
                    .build();
            p.start();
            try {
                Thread.sleep(8_000);
            } finally {
                p.close(Duration.ofSeconds(30));
            }
        } finally {
            System.clearProperty(SWITCH);
        }
        return OutputCheck.check(kafka.bootstrapServers(), input, output, dlq,
                v -> v.startsWith(MapExample.PREFIX) ? v.substring(MapExample.PREFIX.length()) : v, BIG::equals);
    }
}
