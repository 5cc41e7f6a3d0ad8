package dev.eos.benchmarks;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * eos's own commit meters in a run of scenario latency: how many transactions committed, how long a commit took
 * (from its hand-off to the committer to its end: flush, offsets, commitTransaction) at p50 and p99, for the
 * latency breakdown.
 */
final class CommitStats {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final long startNanos = System.nanoTime();

    CommitStats() {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals("eos.commit")
                        ? DistributionStatisticConfig.builder().percentiles(0.5, 0.99).build().merge(config)
                        : config;
            }
        });
    }

    /** {@code N transactions (R/s), commit p50 X ms, p99 Y ms}. */
    String describe() {
        Timer t = registry.find("eos.commit").timer();
        if (t == null) {
            return "none";
        }
        double p50 = -1;
        double p99 = -1;
        for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
            if (v.percentile() == 0.5) {
                p50 = v.value(TimeUnit.MILLISECONDS);
            } else if (v.percentile() == 0.99) {
                p99 = v.value(TimeUnit.MILLISECONDS);
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return String.format(Locale.ROOT, "%,d transactions (%.0f/s since its start), commit p50 %.1f ms, p99 %.1f ms, "
                + "mean %.1f ms", t.count(), t.count() / seconds, p50, p99, t.mean(TimeUnit.MILLISECONDS));
    }
}
