package dev.eos.benchmarks;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ideal time of a skewed run: the total work divided by the worker count, or the longest chain of work of
 * one key if that is longer (records of a key run one after the other under KEY order), from the same
 * {@link Scenario#workMs} and {@link Scenario#key} the contenders and the input use.
 */
final class SkewIdeal {

    private final double totalMs;
    private final double longestKeyMs;
    private final String longestKey;
    private final int workers;

    private SkewIdeal(double totalMs, double longestKeyMs, String longestKey, int workers) {
        this.totalMs = totalMs;
        this.longestKeyMs = longestKeyMs;
        this.longestKey = longestKey;
        this.workers = workers;
    }

    static SkewIdeal of(Scenario scenario, long records, int keys, int workers) {
        Map<String, Long> perKey = new HashMap<>();
        long total = 0;
        for (long id = 0; id < records; id++) {
            long ms = scenario.workMs(id);
            total += ms;
            perKey.merge(scenario.key(id, keys), ms, Long::sum);
        }
        Map.Entry<String, Long> longest = perKey.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return new SkewIdeal(total, longest.getValue(), longest.getKey(), workers);
    }

    /** The ideal run time in milliseconds. */
    double idealMs() {
        return Math.max(totalMs / workers, longestKeyMs);
    }

    /** A run's time ({@code records} at {@code recordsPerSec}) over the ideal. */
    double ratio(long records, double recordsPerSec) {
        return records / recordsPerSec * 1000.0 / idealMs();
    }

    String describe() {
        return String.format(Locale.ROOT, "ideal: %,.0f ms of work / %d workers = %,.0f ms; longest key %s: %,.0f ms; "
                + "ideal %,.1f s", totalMs, workers, totalMs / workers, longestKey, longestKeyMs, idealMs() / 1000);
    }
}
