package dev.eos.examples;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the demo and test input: record {@code i} has key {@code key-<i mod keys>} and value {@code i}
 * (zero-padded, so every value is unique), written with an idempotent producer, acks=all, and one request in
 * flight; a record that is not acknowledged fails the call.
 */
public final class InputGenerator {

    private InputGenerator() {
    }

    /** Value of input record {@code i}. */
    public static String value(long i) {
        return String.format("%09d", i);
    }

    /**
     * Writes records {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @param progress told of the number written so far, about every 10,000 records (may be null)
     */
    public static void produce(String bootstrap, String topic, long from, long to, int keys, LongConsumer progress) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        // one request in flight per broker: a first request to a just-created partition that fails with
        // NOT_LEADER_OR_FOLLOWER cannot be overtaken by the next one, which would leave it failing with
        // OUT_OF_ORDER_SEQUENCE_NUMBER until it expires (KAFKA-15591)
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            AtomicReference<Exception> failed = new AtomicReference<>();
            AtomicLong acked = new AtomicLong();
            for (long i = from; i < to && failed.get() == null; i++) {
                p.send(new ProducerRecord<>(topic, "key-" + (i % keys), value(i)), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                if (progress != null && (i - from + 1) % 10_000 == 0) {
                    progress.accept(i - from + 1);
                }
            }
            p.flush();
            if (failed.get() != null || acked.get() != to - from) {
                throw new IllegalStateException("only " + acked.get() + " of " + (to - from)
                        + " input records were acknowledged; first error: " + failed.get(), failed.get());
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot write the input to " + topic + ": " + e, e);
        }
        if (progress != null) {
            progress.accept(to - from);
        }
    }
}
