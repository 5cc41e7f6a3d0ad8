package com.example.wordcount;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Word count as a Spring Boot application: the two pipelines of {@link WordCountPipelines} run as beans, with their
 * health at {@code /actuator/health} and their meters at {@code /actuator/prometheus}.
 */
@SpringBootApplication
public class WordCountApplication {

    public static void main(String[] args) {
        SpringApplication.run(WordCountApplication.class, args);
    }
}
