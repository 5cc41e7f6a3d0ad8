package dev.eos.internals.exec;

import dev.eos.EosConfig;
import dev.eos.OutputTopic;
import dev.eos.StoreDefinition;
import dev.eos.TransactionalSink;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Matches the {@link OutputTopic} or {@link StoreDefinition} a processor uses with the one declared on the
 * builder: by name, and then by the classes of their serializers (serdes), so that two instances made alike (two
 * {@code OutputTopic.of("out", Serdes.String(), Serdes.String())}) are the same declaration. A use that does not
 * match is a programming error, and its message says which rule it broke.
 */
public final class Declared {

    /** Said of every misuse: why it stops the pipeline instead of failing one record. */
    static final String RULE = "this is a programming error, not a failure of the record: it would fail every "
            + "record, so the pipeline stops whatever failure.action says";

    private Declared() {
    }

    /** Declares {@code topic} on a builder; a second declaration of its name must match the first. */
    public static void declareOutput(Map<String, OutputTopic<?, ?>> declared, OutputTopic<?, ?> topic) {
        OutputTopic<?, ?> previous = declared.putIfAbsent(topic.name(), topic);
        if (previous != null && previous != topic && !alike(previous, topic)) {
            throw new IllegalArgumentException("Output topic '" + topic.name() + "' is declared twice, with other "
                    + "serializers (" + serializers(previous) + ", then " + serializers(topic) + ")");
        }
        if (previous != null && previous.isCoalesced() != topic.isCoalesced()) {
            throw new IllegalArgumentException("Output topic '" + topic.name() + "' is declared twice, once coalesced "
                    + "and once not; declare it once, as OutputTopic.of(...).coalesced() or without");
        }
    }

    /** Declares {@code store} on a builder; a second declaration of its name must match the first. */
    public static void declareStore(Map<String, StoreDefinition<?, ?>> declared, StoreDefinition<?, ?> store) {
        StoreDefinition<?, ?> previous = declared.putIfAbsent(store.name(), store);
        if (previous != null && previous != store && !alike(previous, store)) {
            throw new IllegalArgumentException("Store '" + store.name() + "' is declared twice, with other serdes "
                    + "or kind (" + describe(previous) + ", then " + describe(store) + ")");
        }
    }

    /**
     * Throws if the dead-letter topic is also an input topic, or a coalesced output topic; or if a pipeline with a
     * {@link TransactionalSink} declares another output, a store, or a dead-letter topic (its dead letters go to
     * the sink, addressed to {@link TransactionalSink#DEAD_LETTERS}, which this sets).
     */
    public static void checkOutputs(Collection<String> inputs, Map<String, OutputTopic<?, ?>> outputs,
            Collection<String> stores, Map<String, Object> props) {
        TransactionalSink sink = sinkOf(outputs.values());
        Object deadLetterTopic = props.get(EosConfig.DEAD_LETTER_TOPIC_CONFIG);
        if (sink != null) {
            String name = outputs.values().stream().filter(o -> o.sink() != null).findFirst().orElseThrow().name();
            if (outputs.size() > 1 || !stores.isEmpty()) {
                throw new IllegalStateException("A pipeline with the sink '" + name + "' writes its results in the "
                        + "sink's transaction only; it cannot also write output topics or state stores (declared: "
                        + "outputs " + outputs.keySet() + ", stores " + stores + ")");
            }
            if (deadLetterTopic != null && !deadLetterTopic.toString().isBlank()
                    && !TransactionalSink.DEAD_LETTERS.equals(deadLetterTopic.toString())) {
                throw new IllegalStateException("A pipeline with the sink '" + name + "' writes its dead letters to "
                        + "the sink, in the sink's transaction; remove dead.letter.topic=" + deadLetterTopic
                        + " and set failure.action=DEAD_LETTER");
            }
            props.put(EosConfig.DEAD_LETTER_TOPIC_CONFIG, TransactionalSink.DEAD_LETTERS);
            return;
        }
        if (deadLetterTopic != null && inputs.contains(deadLetterTopic.toString())) {
            throw new IllegalStateException("Topic '" + deadLetterTopic + "' is both an input and the dead-letter "
                    + "topic");
        }
        OutputTopic<?, ?> out = deadLetterTopic == null ? null : outputs.get(deadLetterTopic.toString());
        if (out != null && out.isCoalesced()) {
            throw new IllegalStateException("Topic '" + deadLetterTopic + "' is the dead-letter topic and a coalesced "
                    + "output topic: dead letters would replace each other; declare it without coalesced()");
        }
    }

    /** The sink among the declared outputs, or null when they are all Kafka topics. */
    public static TransactionalSink sinkOf(Collection<OutputTopic<?, ?>> outputs) {
        for (OutputTopic<?, ?> o : outputs) {
            if (o.sink() != null) {
                return o.sink();
            }
        }
        return null;
    }

    /** The names of the declared outputs that are Kafka topics. */
    public static List<String> kafkaTopics(Map<String, OutputTopic<?, ?>> outputs) {
        return outputs.values().stream().filter(o -> o.sink() == null).map(OutputTopic::name).toList();
    }

    /** Throws unless {@code used} matches the declared output topic of its name. */
    static void checkOutput(Map<String, OutputTopic<?, ?>> declared, OutputTopic<?, ?> used) {
        OutputTopic<?, ?> d = declared.get(used.name());
        if (d == null) {
            throw new IllegalArgumentException("Output topic '" + used.name() + "' is not declared on this pipeline "
                    + "(declared: " + declared.keySet() + "); declare it with Pipeline.Builder.outputTopic. " + RULE);
        }
        if (d != used && !alike(d, used)) {
            throw new IllegalArgumentException("Output topic '" + used.name() + "' was emitted to with another "
                    + "OutputTopic instance than the one declared, with other serializers (declared: "
                    + serializers(d) + "; used: " + serializers(used) + "); emit with the declared instance. " + RULE);
        }
    }

    /** Throws unless {@code used} matches the declared store of its name. */
    static void checkStore(Map<String, StoreDefinition<?, ?>> declared, StoreDefinition<?, ?> used) {
        StoreDefinition<?, ?> d = declared.get(used.name());
        if (d == null) {
            throw new IllegalArgumentException("Store '" + used.name() + "' is not declared on this pipeline "
                    + "(declared: " + declared.keySet() + "); declare it with Pipeline.Builder.store. " + RULE);
        }
        if (d != used && !alike(d, used)) {
            throw new IllegalArgumentException("Store '" + used.name() + "' was asked for with another "
                    + "StoreDefinition instance than the one declared, with other serdes or kind (declared: "
                    + describe(d) + "; used: " + describe(used) + "); use the declared instance. " + RULE);
        }
    }

    private static boolean alike(OutputTopic<?, ?> a, OutputTopic<?, ?> b) {
        return a.keySerializer().getClass() == b.keySerializer().getClass()
                && a.valueSerializer().getClass() == b.valueSerializer().getClass();
    }

    private static boolean alike(StoreDefinition<?, ?> a, StoreDefinition<?, ?> b) {
        return a.keySerde().getClass() == b.keySerde().getClass()
                && a.valueSerde().getClass() == b.valueSerde().getClass() && a.isPersistent() == b.isPersistent();
    }

    private static String describe(StoreDefinition<?, ?> s) {
        return s + " " + s.keySerde().getClass().getName() + "/" + s.valueSerde().getClass().getName();
    }

    private static String serializers(OutputTopic<?, ?> t) {
        return t.keySerializer().getClass().getName() + "/" + t.valueSerializer().getClass().getName();
    }
}
