package dev.eos.internals.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** {@link KafkaClients} backed by {@link KafkaConsumer}, {@link KafkaProducer} and {@link Admin}. */
final class RealKafkaClients implements KafkaClients {

    static final RealKafkaClients INSTANCE = new RealKafkaClients();

    @Override
    public Consumer<byte[], byte[]> consumer(Map<String, Object> configs) {
        return new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Producer<byte[], byte[]> producer(Map<String, Object> configs) {
        return new KafkaProducer<>(configs, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Set<String> topicNames(Map<String, Object> adminConfigs, Duration timeout, BooleanSupplier stopRequested) {
        Admin admin = Admin.create(adminConfigs);
        Duration closeTimeout = Duration.ofSeconds(5);
        try {
            KafkaFuture<java.util.Collection<TopicListing>> f = admin.listTopics().listings();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (stopRequested.getAsBoolean()) {
                    closeTimeout = Duration.ZERO; // do not wait for the pending listing
                    return null;
                }
                try {
                    Set<String> names = new TreeSet<>();
                    f.get(100, TimeUnit.MILLISECONDS).forEach(l -> names.add(l.name()));
                    return names;
                } catch (java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        closeTimeout = Duration.ZERO;
                        throw new IllegalStateException("no answer within " + timeout.toSeconds() + " s", e);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("listing topics failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeTimeout = Duration.ZERO;
            throw new IllegalStateException("interrupted while listing topics", e);
        } finally {
            admin.close(closeTimeout);
        }
    }
}
