package dev.eos.testkit.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

class FaultScheduleTest {

    @Test
    void shouldReplayTheSameScheduleFromTheSameSeed() {
        qt().forAll(longs().all()).checkAssert(seed ->
                assertThat(FaultSchedule.generate(seed).toString()).isEqualTo(FaultSchedule.generate(seed).toString()));
    }

    @Test
    void shouldAlwaysHoldAWorkerKillAZombieAndABrokerKill() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            FaultSchedule s = FaultSchedule.generate(seed);
            assertThat(s.events).extracting(e -> e.kind)
                    .contains(FaultSchedule.Kind.KILL_WORKER, FaultSchedule.Kind.PAUSE_WORKER, FaultSchedule.Kind.KILL_BROKER);
            assertThat(s.events).allMatch(e -> e.kind != FaultSchedule.Kind.PAUSE_WORKER || e.arg > 6_000,
                    "pauses outlast the 6 s session timeout");
            assertThat(s.events).allMatch(e -> e.kind != FaultSchedule.Kind.PAUSE_BROKER || e.arg > 9_000,
                    "broker pauses outlast broker.session.timeout.ms (9 s)");
        });
    }

    @Test
    void shouldGiveDifferentSchedulesForDifferentSeeds() {
        assertThat(FaultSchedule.generate(1).toString()).isNotEqualTo(FaultSchedule.generate(2).toString());
    }
}
