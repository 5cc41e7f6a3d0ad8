package dev.eos.spring;

import dev.eos.Pipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the application does when one of its pipelines fails (state FAILED; eos has logged the cause): its liveness
 * state turns BROKEN, so a liveness probe reports DOWN, and with {@code eos.exit-on-failure} the application exits
 * with code 1 after closing its context.
 */
final class PipelineFailureReaction implements Pipeline.StateListener {

    private static final Logger log = LoggerFactory.getLogger(PipelineFailureReaction.class);

    private final String name;
    private final ConfigurableApplicationContext context;
    private final boolean exit;

    PipelineFailureReaction(String name, ConfigurableApplicationContext context, boolean exit) {
        this.name = name;
        this.context = context;
        this.exit = exit;
    }

    @Override
    public void onChange(Pipeline.State newState, Pipeline.State oldState) {
        if (newState != Pipeline.State.FAILED || !context.isActive()) {
            return; // a failure while the context closes: nothing left to report it to
        }
        AvailabilityChangeEvent.publish(context, this, LivenessState.BROKEN);
        if (exit) {
            log.warn("eos pipeline '{}' failed; the application exits with code 1 (eos.exit-on-failure)", name);
            // on a thread of its own: closing the context waits for the pipelines, this one's thread among them
            Thread t = new Thread(() -> System.exit(SpringApplication.exit(context, () -> 1)), "eos-exit");
            t.start();
        }
    }
}
