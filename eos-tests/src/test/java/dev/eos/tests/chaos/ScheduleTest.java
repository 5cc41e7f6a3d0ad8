package dev.eos.tests.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void shouldReplayTheSameScheduleFromTheSameSeed() {
        qt().forAll(longs().all()).checkAssert(seed ->
                assertThat(Schedule.generate(seed).toString()).isEqualTo(Schedule.generate(seed).toString()));
    }

    @Test
    void shouldAlwaysHoldAWorkerKillAZombieAndABrokerKill() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            Schedule s = Schedule.generate(seed);
            assertThat(s.events).extracting(e -> e.kind)
                    .contains(Schedule.Kind.KILL_WORKER, Schedule.Kind.PAUSE_WORKER, Schedule.Kind.KILL_BROKER);
            assertThat(s.events).allMatch(e -> e.kind != Schedule.Kind.PAUSE_WORKER || e.arg > 6_000,
                    "pauses outlast the 6 s session timeout");
        });
    }

    @Test
    void shouldGiveDifferentSchedulesForDifferentSeeds() {
        assertThat(Schedule.generate(1).toString()).isNotEqualTo(Schedule.generate(2).toString());
    }
}
