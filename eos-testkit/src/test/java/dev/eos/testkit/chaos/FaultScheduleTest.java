package dev.eos.testkit.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

    @Test
    void shouldReplayTheSameScheduleFromTheSameSeed() {
        qt().forAll(longs().all()).checkAssert(seed ->
                assertThat(FaultSchedule.generate(seed).toString()).isEqualTo(FaultSchedule.generate(seed).toString()));
    }

    @Test
    void shouldAlwaysHoldAWorkerKillAHandedBackZombieAndABrokerKill() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            FaultSchedule s = FaultSchedule.generate(seed);
            assertThat(s.events).extracting(e -> e.kind)
                    .contains(FaultSchedule.Kind.KILL_WORKER, FaultSchedule.Kind.KILL_BROKER);
            assertThat(s.events).extracting(e -> e.kind).containsAnyOf(FaultSchedule.Kind.ZOMBIE_IN_TRANSACTION,
                    FaultSchedule.Kind.ZOMBIE_PAST_TRANSACTION);
            assertThat(s.events).allMatch(e -> e.kind != FaultSchedule.Kind.PAUSE_WORKER || e.arg > 6_000,
                    "pauses outlast the 6 s session timeout");
            assertThat(s.events).allMatch(e -> e.kind != FaultSchedule.Kind.ZOMBIE_IN_TRANSACTION
                    || (e.arg > 6_000 && e.arg < 9_000), "past the 6 s session, within the 10 s transaction timeout");
            assertThat(s.events).allMatch(e -> e.kind != FaultSchedule.Kind.ZOMBIE_PAST_TRANSACTION
                    || e.arg > 11_000, "past the 10 s transaction timeout");
            assertThat(s.events).allMatch(e -> e.kind != FaultSchedule.Kind.PAUSE_BROKER || e.arg > 9_000,
                    "broker pauses outlast broker.session.timeout.ms (9 s)");
        });
    }

    @Test
    void shouldGiveEveryFourConsecutiveSeedsBothZombieForms() {
        for (long first : new long[] {0, 20261130, 1796058423260L}) {
            List<FaultSchedule.Kind> kinds = new ArrayList<>();
            for (long seed = first; seed < first + 4; seed++) {
                FaultSchedule.generate(seed).events.forEach(e -> kinds.add(e.kind));
            }
            assertThat(kinds).as("from seed " + first).contains(FaultSchedule.Kind.ZOMBIE_IN_TRANSACTION,
                    FaultSchedule.Kind.ZOMBIE_PAST_TRANSACTION);
        }
    }

    @Test
    void shouldGiveDifferentSchedulesForDifferentSeeds() {
        assertThat(FaultSchedule.generate(1).toString()).isNotEqualTo(FaultSchedule.generate(2).toString());
    }
}
