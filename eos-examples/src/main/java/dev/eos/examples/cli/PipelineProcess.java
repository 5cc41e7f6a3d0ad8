package dev.eos.examples.cli;

import dev.eos.Pipeline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Runs pipelines in this process until each has stopped; SIGTERM (or Ctrl-C) closes them cleanly. */
final class PipelineProcess {

    private PipelineProcess() {
    }

    /**
     * Starts the pipelines, prints {@code <label> <application.id> <state>} on every state change, and waits until
     * all have stopped. Returns 1 if any failed, else 0.
     */
    static int runUntilStopped(String label, List<Pipeline<?, ?>> pipelines) {
        CountDownLatch done = new CountDownLatch(pipelines.size());
        for (Pipeline<?, ?> pipeline : pipelines) {
            pipeline.addStateListener((now, before) -> {
                System.out.println(label + " " + pipeline.applicationId() + " " + now);
                System.out.flush();
                if (now.isTerminal()) {
                    done.countDown();
                }
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Pipeline<?, ?> pipeline : pipelines) {
                pipeline.close(Duration.ofSeconds(20));
            }
        }, "eos-shutdown"));
        for (Pipeline<?, ?> pipeline : pipelines) {
            pipeline.start();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return pipelines.stream().anyMatch(p -> p.state() == Pipeline.State.FAILED) ? 1 : 0;
    }
}
