package dev.eos.examples;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes the input of the examples: string keys and values, idempotent, acks=all; a failed send fails the call. */
public final class Inputs {

    private Inputs() {
    }

    /**
     * Writes records {@code from} to {@code to - 1}; {@code record} gives the key and value of record {@code i}.
     *
     * @throws IllegalStateException if a record is not acknowledged
     */
    public static void produce(String bootstrap, String topic, long from, long to, LongFunction<String[]> record) {
        long n = to - from;
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1); // see InputGenerator
        AtomicReference<Exception> failed = new AtomicReference<>();
        AtomicLong acked = new AtomicLong();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (long i = from; i < to && failed.get() == null; i++) {
                String[] kv = record.apply(i);
                p.send(new ProducerRecord<>(topic, kv[0], kv[1]), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
            }
            p.flush();
        }
        if (failed.get() != null || acked.get() != n) {
            throw new IllegalStateException("only " + acked.get() + " of " + n + " records were acknowledged by "
                    + topic + "; first error: " + failed.get(), failed.get());
        }
    }
}
