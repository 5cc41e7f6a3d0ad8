package dev.eos.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * A workload of the end-to-end benchmark: the key of each input record and what the transform does to it. Every
 * contender applies the same {@link #transform}, and the harness computes the ideal time of a skewed run from
 * the same {@link #workMs}.
 */
public enum Scenario {
    /** Map a 100-byte value to a new value; no wait. */
    CPU,
    /** The same map after a 2 ms wait per record (a remote call). */
    IO,
    /** The CPU map with input produced at a fixed rate while the contender runs; reports latency. */
    LATENCY,
    /** A count per key in a state store, emitted on change: the output values are the counts. */
    STATE,
    /** A heavy tail: a 1 ms wait per record, 100 ms for 1% of the records (chosen by a hash of the id). */
    SKEW,
    /** {@link #SKEW} with a hot key: one key carries 20% of the records (chosen by another hash of the id). */
    SKEW_HOT,
    /** A 10 ms remote call per record; eos runs it as an asynchronous processor completed by a scheduler. */
    IO_ASYNC;

    /**
     * Header in which the eos and at-least-once contenders of {@link #LATENCY} put the time their processor ran
     * (epoch milliseconds, decimal), so that the watcher can split the latency in two.
     */
    public static final String PROCESSED_HEADER = "bench.processed.ms";

    /** The key every contender sees for the hot records of {@link #SKEW_HOT}. */
    public static final String HOT_KEY = "k0";

    /** The name on the command line: {@code skew-hot}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The scenario named {@code label} ({@code cpu}, {@code skew-hot}, ...). */
    public static Scenario of(String label) {
        for (Scenario s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + label + "'; known: cpu, io, latency, state, skew, "
                + "skew-hot, io-async");
    }

    /** Whether records wait (sleep, or a remote call) rather than compute: contenders then run more threads. */
    public boolean waits() {
        return this == IO || this == SKEW || this == SKEW_HOT || this == IO_ASYNC;
    }

    /** The key of input record {@code id} among {@code keys} keys. */
    public String key(long id, int keys) {
        if (this == SKEW_HOT) {
            return hot(id) ? HOT_KEY : "k" + (1 + id % Math.max(1, keys - 1));
        }
        return "k" + (id % keys);
    }

    /** The wait of record {@code id}, in milliseconds. */
    public long workMs(long id) {
        switch (this) {
            case IO: return 2;
            case SKEW:
            case SKEW_HOT: return heavy(id) ? 100 : 1;
            case IO_ASYNC: return 10;
            default: return 0;
        }
    }

    /** The transform every contender applies: {@code out:<input value>}, after the record's wait. */
    public String transform(String value) throws InterruptedException {
        if (waits()) {
            waitFor(workMs(idOf(value)));
        }
        return output(value);
    }

    /** The output value of an input value, without the wait: {@code out:<input value>}. */
    public static String output(String value) {
        return "out:" + value;
    }

    /** Waits {@code ms} milliseconds (parks in steps, so the time is close to the nominal one). */
    static void waitFor(long ms) throws InterruptedException {
        long until = System.nanoTime() + ms * 1_000_000L;
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while simulating work");
            }
        }
    }

    /** Whether record {@code id} is one of the 1% heavy ones of the skewed scenarios. */
    static boolean heavy(long id) {
        return Long.remainderUnsigned(mix(id) >>> 32, 100) == 0;
    }

    /** Whether record {@code id} is one of the 20% of {@link #SKEW_HOT} that carry the hot key. */
    static boolean hot(long id) {
        return Long.remainderUnsigned(mix(id) & 0xffffffffL, 5) == 0;
    }

    /** A 64-bit mix of the id (the SplitMix64 finalizer), so heavy and hot records do not repeat in a pattern. */
    private static long mix(long id) {
        long z = id + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Input value of record {@code id}, produced at {@code sentMs}: {@code id:sentMs:} padded to 100 bytes. */
    public static String inputValue(long id, long sentMs) {
        StringBuilder sb = new StringBuilder(100).append(id).append(':').append(sentMs).append(':');
        while (sb.length() < 100) {
            sb.append('x');
        }
        return sb.toString();
    }

    /** The id in an input value, or -1. */
    static long idOf(String inputValue) {
        long id = 0;
        int i = 0;
        for (; i < inputValue.length() && inputValue.charAt(i) != ':'; i++) {
            char c = inputValue.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            id = id * 10 + (c - '0');
        }
        return i == 0 ? -1 : id;
    }

    /** The id of the input record an output value was made from, or -1. */
    public static long idOf(byte[] outputValue) {
        // "out:<id>:<sentMs>:xxx"
        long id = 0;
        int i = 4;
        if (outputValue == null || outputValue.length < 6) {
            return -1;
        }
        for (; i < outputValue.length && outputValue[i] != ':'; i++) {
            id = id * 10 + (outputValue[i] - '0');
        }
        return id;
    }

    /** The send time carried by an output value, or -1. */
    public static long sentMsOf(byte[] outputValue) {
        String s = new String(outputValue, StandardCharsets.US_ASCII);
        String[] parts = s.split(":", 4);
        return parts.length >= 3 ? Long.parseLong(parts[2]) : -1;
    }
}
