package dev.eos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eos.Pipeline.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class PipelineStateTest {

    private static Pipeline.Builder<String, String> minimal() {
        return Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers("127.0.0.1:1")
                .applicationId("app")
                .inputTopics("in")
                .processor((r, e) -> { });
    }

    @Test
    void shouldAllowOnlyTheDocumentedTransitions() {
        assertThat(State.CREATED.canTransitionTo(State.STARTING)).isTrue();
        assertThat(State.CREATED.canTransitionTo(State.RUNNING)).isFalse();
        assertThat(State.RUNNING.canTransitionTo(State.REBALANCING)).isTrue();
        assertThat(State.STOPPED.canTransitionTo(State.STARTING)).isFalse();
        assertThat(State.FAILED.isTerminal()).isTrue();
        for (State s : State.values()) {
            assertThat(s.canTransitionTo(State.CREATED)).as("nothing goes back to CREATED from " + s).isFalse();
        }
    }

    @Test
    void shouldCloseAnUnstartedPipelineAtOnceAndIdempotently() {
        Pipeline<String, String> p = minimal().build();
        List<String> changes = new ArrayList<>();
        p.addStateListener((n, o) -> changes.add(o + "->" + n));
        assertThat(p.close(Duration.ofSeconds(1))).isTrue();
        assertThat(p.close(Duration.ofSeconds(1))).isTrue();
        assertThat(p.state()).isEqualTo(State.STOPPED);
        assertThat(changes).containsExactly("CREATED->STOPPED");
        assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("STOPPED");
    }

    @Test
    void shouldRequireInputAndProcessor() {
        assertThatThrownBy(() -> Pipeline.builder(Serdes.String(), Serdes.String()).bootstrapServers("x:1")
                .applicationId("a").processor((r, e) -> { }).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("input topic");
        assertThatThrownBy(() -> Pipeline.builder(Serdes.String(), Serdes.String()).bootstrapServers("x:1")
                .applicationId("a").inputTopics("in").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("processor");
    }

    @Test
    void shouldRejectTheDeadLetterTopicAsInputButAllowAFeedbackLoop() {
        assertThatThrownBy(() -> minimal().deadLetterTopic("in").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'in' is both an input and the dead-letter topic");
        // a topic that is input and output is a loop (bank-transfers sends credits back to its input)
        assertThat(minimal().outputTopic(OutputTopic.of("in", Serdes.String(), Serdes.String())).build().state())
                .isEqualTo(Pipeline.State.CREATED);
    }

    @Test
    void shouldRejectStoresWithoutOrderOrWithSeveralInputTopics() {
        StoreDefinition<String, Long> counts = StoreDefinition.inMemory("counts", Serdes.String(), Serdes.Long());
        assertThatThrownBy(() -> minimal().store(counts).ordering(Ordering.UNORDERED).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("ordering")
                .hasMessageContaining("[counts]").hasMessageContaining("KEY or PARTITION");
        assertThatThrownBy(() -> minimal().store(counts).inputTopics("other").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one input topic")
                .hasMessageContaining("[in, other]");
        assertThatThrownBy(() -> minimal().store(counts).store(StoreDefinition.inMemory("counts", Serdes.String(),
                Serdes.Integer()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("declared twice")
                .hasMessageContaining("IntegerSerde");
        // an alike instance is the same declaration
        minimal().store(counts).store(StoreDefinition.inMemory("counts", Serdes.String(), Serdes.Long()));
        assertThatThrownBy(() -> StoreDefinition.persistent("a/b", Serdes.String(), Serdes.Long()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a/b");
        assertThat(minimal().store(counts).ordering(Ordering.PARTITION).build().state())
                .isEqualTo(Pipeline.State.CREATED);
    }

    @Test
    void shouldFailAtBuildTimeOnContradictingConfig() {
        assertThatThrownBy(() -> minimal().config("consumer.isolation.level", "read_uncommitted").build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("consumer.isolation.level");
    }

    @Test
    void shouldEndStoppedWhenClosedWhileStartWaitsForUnreachableBrokers() throws Exception {
        Pipeline<String, String> p = minimal().build(); // 127.0.0.1:1: nothing answers
        Thread starter = new Thread(p::start);
        starter.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (p.state() != State.STARTING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(300);
        assertThat(p.close(Duration.ofSeconds(10))).isTrue();
        starter.join(10_000);
        assertThat(starter.isAlive()).isFalse();
        assertThat(p.state()).isEqualTo(State.STOPPED);
        assertThat(p.failure()).isNull();
    }
}
