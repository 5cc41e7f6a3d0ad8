package com.example.wordcount;

import dev.eos.KeyValueStore;
import dev.eos.OutputTopic;
import dev.eos.StoreDefinition;
import dev.eos.spring.PipelineDefinition;
import org.apache.kafka.common.serialization.Serdes;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Word count in two exactly-once pipelines: {@code split} turns each line into one record per word, keyed by the
 * word, and {@code count} keeps a count per word in a RocksDB store and emits the new count on every change.
 * Bootstrap servers, application ids and settings come from application.yml.
 */
@Configuration(proxyBeanMethods = false)
public class WordCountPipelines {

    static final StoreDefinition<String, Long> COUNTS =
            StoreDefinition.persistent("counts", Serdes.String(), Serdes.Long());

    @Bean
    PipelineDefinition<String, String> split(@Value("${wordcount.lines-topic}") String lines,
            @Value("${wordcount.words-topic}") String wordsTopic) {
        OutputTopic<String, String> words = OutputTopic.of(wordsTopic, Serdes.String(), Serdes.String());
        return PipelineDefinition.of("split", Serdes.String(), Serdes.String(), builder -> builder
                .inputTopics(lines)
                .outputTopic(words)
                .processor((line, context) -> {
                    for (String word : line.value().split(" ")) {
                        context.emit(words, word, word);
                    }
                }));
    }

    @Bean
    PipelineDefinition<String, String> count(@Value("${wordcount.words-topic}") String words,
            @Value("${wordcount.counts-topic}") String countsTopic) {
        OutputTopic<String, Long> counts = OutputTopic.of(countsTopic, Serdes.String(), Serdes.Long());
        return PipelineDefinition.of("count", Serdes.String(), Serdes.String(), builder -> builder
                .inputTopics(words)
                .outputTopic(counts)
                .store(COUNTS)
                .processor((word, context) -> {
                    KeyValueStore<String, Long> store = context.store(COUNTS);
                    Long n = store.get(word.key());
                    long next = n == null ? 1 : n + 1;
                    store.put(word.key(), next);
                    context.emit(counts, word.key(), next);
                }));
    }
}
