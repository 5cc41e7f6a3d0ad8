package dev.eos;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of what a pipeline is doing, from {@link Pipeline#health()}: its state, when it last committed, how
 * far behind its input it is, and the oldest record it has taken and not yet sent. A record that hangs shows as
 * an old {@link #oldestInFlight()} with a growing {@link #oldestInFlightAge()}, while the state stays RUNNING.
 * The figures are refreshed by the pipeline every 100 ms.
 */
public final class PipelineHealth {

    private final Pipeline.State state;
    private final long lastCommitMs;
    private final long lag;
    private final long recordsInFlight;
    private final String oldestInFlight;
    private final long oldestAgeMs;
    private final boolean oldestStarted;
    private final Map<String, Long> restoring;

    PipelineHealth(Pipeline.State state, long lastCommitMs, long lag, long recordsInFlight, String oldestInFlight,
            long oldestAgeMs, boolean oldestStarted, Map<String, Long> restoring) {
        this.restoring = restoring;
        this.state = state;
        this.lastCommitMs = lastCommitMs;
        this.lag = lag;
        this.recordsInFlight = recordsInFlight;
        this.oldestInFlight = oldestInFlight;
        this.oldestAgeMs = oldestAgeMs;
        this.oldestStarted = oldestStarted;
    }

    /** The pipeline's state. */
    public Pipeline.State state() {
        return state;
    }

    /** When a transaction of this pipeline last committed; empty if none has yet. */
    public Optional<Instant> lastCommit() {
        return lastCommitMs == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastCommitMs));
    }

    /**
     * Records behind the high watermarks of the assigned partitions, as of the last fetch; -1 when not known
     * (before the first fetch of a partition, or with no partition assigned yet).
     */
    public long lag() {
        return lag;
    }

    /** Records taken from the consumer and not yet sent (queued, running, retrying, or held). */
    public long recordsInFlight() {
        return recordsInFlight;
    }

    /** The oldest record taken and not yet sent, as {@code topic-partition@offset}; empty if none. */
    public Optional<String> oldestInFlight() {
        return Optional.ofNullable(oldestInFlight);
    }

    /** How long ago the oldest record in flight was taken from the consumer; zero if none. */
    public Duration oldestInFlightAge() {
        return Duration.ofMillis(oldestAgeMs);
    }

    /** Whether the oldest record in flight has started on a worker (it runs or waits for a retry). */
    public boolean oldestInFlightStarted() {
        return oldestStarted;
    }

    /**
     * The assigned partitions whose state stores are being restored (they do not run until restored), as
     * {@code topic-partition}, each with the changelog records its restore still has to read (as of its last
     * batch); empty when none is. A stateless pipeline never restores.
     */
    public Map<String, Long> restoring() {
        return restoring;
    }

    @Override
    public String toString() {
        return "PipelineHealth[state=" + state + ", lastCommit=" + lastCommit().map(Instant::toString).orElse("none")
                + ", lag=" + lag + ", inFlight=" + recordsInFlight + ", oldest="
                + (oldestInFlight == null ? "none" : oldestInFlight + " (" + oldestAgeMs + " ms"
                        + (oldestStarted ? ", started" : ", queued") + ")")
                + (restoring.isEmpty() ? "" : ", restoring=" + restoring) + "]";
    }
}
