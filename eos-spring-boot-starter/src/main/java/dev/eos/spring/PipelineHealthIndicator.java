package dev.eos.spring;

import dev.eos.Pipeline;
import dev.eos.PipelineHealth;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one pipeline, for the {@code eos} contributor of the actuator's health endpoint
 * ({@code /actuator/health/eos/<name>}), which is in the readiness group:
 * <ul>
 *   <li>UP: running (also while rebalancing), no store being restored;</li>
 *   <li>OUT_OF_SERVICE: not started yet, starting, restoring a store, stopping or stopped: not ready, but not
 *       broken either, so a liveness probe never restarts an instance in the middle of a restore;</li>
 *   <li>DOWN: failed, with the failure.</li>
 * </ul>
 * Details: the state, when it last committed and how long ago, the lag, the records in flight and the oldest of
 * them, the partitions being restored.
 */
final class PipelineHealthIndicator implements HealthIndicator {

    private final Pipeline<?, ?> pipeline;

    PipelineHealthIndicator(Pipeline<?, ?> pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public Health health() {
        PipelineHealth h = pipeline.health();
        Health.Builder b = switch (h.state()) {
            case RUNNING, REBALANCING -> h.restoring().isEmpty() ? Health.up() : Health.outOfService();
            case FAILED -> Health.down();
            default -> Health.outOfService();
        };
        b.withDetail("state", h.state().name());
        h.lastCommit().ifPresent(at -> b.withDetail("lastCommit", at.toString())
                .withDetail("lastCommitAge", Duration.between(at, Instant.now()).toMillis() + " ms"));
        b.withDetail("lag", h.lag());
        b.withDetail("recordsInFlight", h.recordsInFlight());
        h.oldestInFlight().ifPresent(r -> b.withDetail("oldestInFlight", r)
                .withDetail("oldestInFlightAge", h.oldestInFlightAge().toMillis() + " ms")
                .withDetail("oldestInFlightStarted", h.oldestInFlightStarted()));
        if (!h.restoring().isEmpty()) {
            b.withDetail("restoring", h.restoring());
        }
        if (pipeline.failure() != null) {
            b.withException(pipeline.failure());
        }
        return b.build();
    }
}
