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

    /** Reads the committed input and output, folds the input independently, and compares. */
    Check check(String bootstrap, String run);

    /**
     * The outcome of {@link #check}: the demo's last line ({@code exactly-once: OK ...} or {@code VIOLATED ...})
     * and the lines that explain it.
     */
    record Check(boolean ok, String verdict, List<String> details) {
    }
}
