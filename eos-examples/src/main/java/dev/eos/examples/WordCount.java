package dev.eos.examples;

import dev.eos.KeyValueStore;
import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import dev.eos.StoreDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Word count in two exactly-once pipelines: {@code split} turns each line into one record per word, keyed by the
 * word (so every count of a word lands in one partition), and {@code count} keeps a count per word in a
 * persistent store and emits the new count on every change. Topics: {@code <run>-lines} (input),
 * {@code <run>-words}, {@code <run>-counts} (output).
 */
public final class WordCount implements Example {

    public static final String NAME = "word-count";
    public static final StoreDefinition<String, Long> COUNTS =
            StoreDefinition.persistent("counts", Serdes.String(), Serdes.Long());
    private static final String[] VOCABULARY = ("the quick brown fox jumps over lazy dog kafka stream exactly once "
            + "state store changelog commit abort offset partition record key value worker thread restore "
            + "checkpoint transaction producer consumer broker topic log compact").split(" ");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "counts per word in a RocksDB store, emitted on change (two pipelines: split, count)";
    }

    @Override
    public List<String> topics(String run) {
        return List.of(run + "-lines", run + "-words", run + "-counts");
    }

    @Override
    public List<Audit> audits(String run) {
        return List.of(new Audit(run + "-lines", run + "-words", null), new Audit(run + "-words", run + "-counts", null));
    }

    @Override
    public String progressTopic(String run) {
        return run + "-counts";
    }

    /** Line {@code i} of the input: 1 to 8 words drawn from a small vocabulary. */
    static String line(long i) {
        Random r = new Random(i * 0x9E3779B97F4A7C15L);
        StringBuilder sb = new StringBuilder();
        for (int w = 0, n = 1 + r.nextInt(8); w < n; w++) {
            sb.append(w == 0 ? "" : " ").append(VOCABULARY[r.nextInt(VOCABULARY.length)]);
        }
        return sb.toString();
    }

    @Override
    public long produce(String bootstrap, String run, int from, int to) {
        long[] words = {0};
        Inputs.produce(bootstrap, run + "-lines", from, to, i -> {
            String line = line(i);
            words[0] += line.split(" ").length;
            return new String[] {"line-" + i, line};
        });
        return words[0];
    }

    @Override
    public List<Pipeline<?, ?>> pipelines(String bootstrap, String run, String instance, Map<String, Object> config) {
        OutputTopic<String, String> words = OutputTopic.of(run + "-words", Serdes.String(), Serdes.String());
        Pipeline<String, String> split = Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(bootstrap).applicationId(run + "-split").instanceId(instance)
                .inputTopics(run + "-lines").outputTopic(words).config(config)
                .processor((line, context) -> {
                    for (String word : line.value().split(" ")) {
                        context.emit(words, word, word);
                    }
                })
                .build();
        OutputTopic<String, Long> counts = OutputTopic.of(run + "-counts", Serdes.String(), Serdes.Long());
        Pipeline<String, String> count = Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(bootstrap).applicationId(run + "-count").instanceId(instance)
                .inputTopics(run + "-words").outputTopic(counts).store(COUNTS).config(config)
                .processor((word, context) -> {
                    KeyValueStore<String, Long> store = context.store(COUNTS);
                    Long n = store.get(word.key());
                    long next = n == null ? 1 : n + 1;
                    store.put(word.key(), next);
                    context.emit(counts, word.key(), next);
                })
                .build();
        return List.of(split, count);
    }

    @Override
    public Check check(String bootstrap, String run) {
        Map<String, Long> expected = new HashMap<>();
        long inputWords = 0;
        for (ConsumerRecord<String, String> r : Verifier.readAll(bootstrap, run + "-lines")) {
            for (String w : r.value().split(" ")) {
                expected.merge(w, 1L, Long::sum);
                inputWords++;
            }
        }
        Map<String, List<Long>> emitted = new HashMap<>();
        long[] outputs = {0};
        Verifier.read(bootstrap, run + "-counts", new LongDeserializer(), r -> {
            emitted.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            outputs[0]++;
        });
        long duplicates = 0;
        long lost = 0;
        long outOfOrder = 0;
        List<String> details = new ArrayList<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            List<Long> seq = emitted.getOrDefault(e.getKey(), List.of());
            long n = e.getValue();
            java.util.Set<Long> seen = new java.util.HashSet<>();
            long previous = 0;
            for (long c : seq) {
                if (!seen.add(c)) {
                    duplicates++;
                } else if (c < previous) {
                    outOfOrder++;
                }
                previous = Math.max(previous, c);
            }
            for (long c = 1; c <= n; c++) {
                if (!seen.contains(c)) {
                    lost++;
                }
            }
            long last = seq.isEmpty() ? 0 : seq.get(seq.size() - 1);
            if (last != n && details.size() < 10) {
                details.add("word '" + e.getKey() + "': input has " + n + ", last count emitted " + last);
            }
        }
        for (String w : emitted.keySet()) {
            if (!expected.containsKey(w)) {
                duplicates += emitted.get(w).size();
                details.add("word '" + w + "' was counted but is not in the input");
            }
        }
        details.add(0, expected.size() + " distinct words, " + inputWords + " in the input; counts out of order: "
                + outOfOrder);
        boolean ok = duplicates == 0 && lost == 0 && outOfOrder == 0 && outputs[0] == inputWords;
        return new Check(ok, "exactly-once: " + (ok ? "OK" : "VIOLATED") + " input=" + inputWords + " output="
                + outputs[0] + " duplicates=" + duplicates + " lost=" + lost, details);
    }
}
