package dev.eos.benchmarks;

import java.nio.charset.StandardCharsets;

/** A workload of the end-to-end benchmark: what the transform does to each record. */
enum Scenario {
    /** Map a 100-byte value to a new value; no sleep. */
    CPU(0),
    /** The same map after a 2 ms sleep per record (a remote call). */
    IO(2),
    /** The CPU map with input produced at a fixed rate while the contender runs; reports latency. */
    LATENCY(0),
    /** A count per key in a state store, emitted on change: the output values are the counts. */
    STATE(0);

    final int sleepMs;

    Scenario(int sleepMs) {
        this.sleepMs = sleepMs;
    }

    /** The transform every contender applies: {@code out:<input value>}, after the scenario's sleep. */
    String transform(String value) throws InterruptedException {
        if (sleepMs > 0) {
            Thread.sleep(sleepMs);
        }
        return "out:" + value;
    }

    /** Input value of record {@code id}, produced at {@code sentMs}: {@code id:sentMs:} padded to 100 bytes. */
    static String inputValue(long id, long sentMs) {
        StringBuilder sb = new StringBuilder(100).append(id).append(':').append(sentMs).append(':');
        while (sb.length() < 100) {
            sb.append('x');
        }
        return sb.toString();
    }

    /** The id of the input record an output value was made from, or -1. */
    static long idOf(byte[] outputValue) {
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
    static long sentMsOf(byte[] outputValue) {
        String s = new String(outputValue, StandardCharsets.US_ASCII);
        String[] parts = s.split(":", 4);
        return parts.length >= 3 ? Long.parseLong(parts[2]) : -1;
    }
}
