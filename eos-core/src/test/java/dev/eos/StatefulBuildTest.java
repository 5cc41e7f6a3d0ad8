package dev.eos;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/** The build-time rules of a pipeline with state stores: each broken one refused, naming the key or topic. */
class StatefulBuildTest {

    private static final StoreDefinition<String, Long> COUNTS =
            StoreDefinition.persistent("counts", Serdes.String(), Serdes.Long());

    private static Pipeline.Builder<String, String> stateful() {
        OutputTopic<String, String> out = OutputTopic.of("out", Serdes.String(), Serdes.String());
        return Pipeline.builder(Serdes.String(), Serdes.String()).bootstrapServers("127.0.0.1:9092")
                .applicationId("app").inputTopics("in").outputTopic(out).store(COUNTS)
                .processor((record, context) -> context.store(COUNTS).put(record.key(), 1L));
    }

    @Test
    void shouldRefuseUnorderedInAnyLetterCase() {
        for (String ordering : new String[] {"UNORDERED", "unordered", " Unordered "}) {
            assertThatThrownBy(() -> stateful().config("ordering", ordering).build())
                    .as(ordering).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("ordering").hasMessageContaining("KEY or PARTITION");
        }
    }

    @Test
    void shouldRefuseAChangelogAsTheDeadLetterTopic() {
        String changelog = COUNTS.changelogTopic("app");
        assertThatThrownBy(() -> stateful().deadLetterTopic(changelog).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'" + changelog + "'").hasMessageContaining("store 'counts'")
                .hasMessageContaining("dead-letter");
    }
}
