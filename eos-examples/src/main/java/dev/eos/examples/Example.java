package dev.eos.examples;

import dev.eos.Pipeline;
import java.util.List;
import java.util.Map;

/**
 * An example that {@code eos worker --example NAME} runs and {@code eos demo --example NAME} feeds, runs in
 * worker processes with one killed part way, and checks. Topic names derive from the run's name.
 */
public interface Example {

    /** The examples by name. */
    static Map<String, Example> all() {
        return Map.of(WordCount.NAME, new WordCount(), BankTransfers.NAME, new BankTransfers(), Enrich.NAME,
                new Enrich(), Backlog.NAME, new Backlog());
    }

    /** The name given to {@code --example}. */
    String name();

    /** One line saying what it shows. */
    String description();

    /** The topics to create for run {@code run}. */
    List<String> topics(String run);

    /** The topic whose committed records show progress. */
    String progressTopic(String run);

    /**
     * Writes input records {@code from} (inclusive) to {@code to} (exclusive); returns how many records they add to
     * {@link #progressTopic}. Record {@code i} is the same whenever it is written.
     */
    long produce(String bootstrap, String run, int from, int to);

    /** The pipelines of one worker process, configured with {@code config} (state.dir among them). */
    List<Pipeline<?, ?>> pipelines(String bootstrap, String run, String instance, Map<String, Object> config);

    /**
     * The pipelines' one-hop input/output pairs that {@code eos verify} can audit (with provenance headers on): by
     * default the first topic to the progress topic, with the topic ending in {@code -dlq} as dead-letter topic.
     */
    default List<Audit> audits(String run) {
        List<String> topics = topics(run);
        String dlq = topics.stream().filter(t -> t.endsWith("-dlq")).findFirst().orElse(null);
        return List.of(new Audit(topics.get(0), progressTopic(run), dlq));
    }

    /** One pipeline's input, output and dead-letter topic (null: none), as {@code eos verify} takes them. */
    record Audit(String input, String output, String deadLetter) {
        /** The {@code eos verify} command line that audits this pair on {@code bootstrap}. */
        public String command(String bootstrap) {
            return "./eos verify --bootstrap " + bootstrap + " --input " + input + " --output " + output
                    + (deadLetter == null ? "" : " --dead-letter " + deadLetter);
        }
    }

    /** Reads the committed input and output, folds the input independently, and compares. */
    Check check(String bootstrap, String run);

    /**
     * The outcome of {@link #check}: the demo's last line ({@code exactly-once: OK ...} or {@code VIOLATED ...})
     * and the lines that explain it.
     */
    record Check(boolean ok, String verdict, List<String> details) {
    }
}
