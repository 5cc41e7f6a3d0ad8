package com.example.wordcount;

import dev.eos.NonRetryableException;
import dev.eos.spring.PipelineDefinition;
import org.apache.kafka.common.serialization.Serdes;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A third pipeline for the tests: it fails on a record whose value is "poison" (with failure.action=STOP the
 * pipeline stops), so that the tests see what the application does when a pipeline fails.
 */
@Configuration(proxyBeanMethods = false)
public class PoisonPipeline {

    @Bean
    PipelineDefinition<String, String> poison(@Value("${test.poison-topic}") String topic) {
        return PipelineDefinition.of("poison", Serdes.String(), Serdes.String(), builder -> builder
                .inputTopics(topic)
                .processor((record, context) -> {
                    if ("poison".equals(record.value())) {
                        throw new NonRetryableException("a poison record");
                    }
                }));
    }

    /** The application with this pipeline, for a test that runs it in a JVM of its own. */
    public static void main(String[] args) {
        SpringApplication.run(new Class<?>[] {WordCountApplication.class, PoisonPipeline.class}, args);
    }
}
