package dev.eos.testkit.chaos;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The input of a chaos run: record {@code i} has key {@code key-<i mod keys>} and the unique value {@code i},
 * zero-padded to 9 digits; idempotent, acks=all, one request in flight (a just-created partition can otherwise
 * lose a first batch, KAFKA-15591), and an unacknowledged record fails the call.
 */
final class InputWriter {

    private InputWriter() {
    }

    static String value(long i) {
        return String.format("%09d", i);
    }

    static void write(String bootstrap, String topic, long from, long to, int keys) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        AtomicReference<Exception> failed = new AtomicReference<>();
        AtomicLong acked = new AtomicLong();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (long i = from; i < to && failed.get() == null; i++) {
                p.send(new ProducerRecord<>(topic, "key-" + (i % keys), value(i)), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
            }
            p.flush();
        }
        if (failed.get() != null || acked.get() != to - from) {
            throw new IllegalStateException("only " + acked.get() + " of " + (to - from) + " input records were "
                    + "acknowledged by " + topic + "; first error: " + failed.get(), failed.get());
        }
    }
}
