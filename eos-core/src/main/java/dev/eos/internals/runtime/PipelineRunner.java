package dev.eos.internals.runtime;

import dev.eos.Pipeline.State;
import dev.eos.StoreDefinition;
import dev.eos.internals.state.ChangelogTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;

/**
 * Starts a pipeline and stops it: the start-up topic check (which a close from another thread interrupts), the
 * poll thread, and a close that asks the loop to stop, waits, and abandons the commit waits when the timeout
 * runs out.
 */
public final class PipelineRunner {

    private final Settings settings;
    private final Lifecycle lifecycle;
    private final KafkaClients clients;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, StoreDefinition<?, ?>> stores;
    private final Function<Map<String, ChangelogTopics.Changelog>, PollLoop<?, ?>> loops;
    private volatile boolean closeRequested;
    private volatile PollLoop<?, ?> loop;
    private volatile Thread thread;

    /**
     * @param outputs the declared output topics (the dead-letter topic comes from the settings)
     * @param stores the declared state stores, whose changelog topics are created or checked
     * @param loops creates the poll loop once the topics are checked, given the changelog topics found
     */
    public PipelineRunner(Settings settings, Lifecycle lifecycle, KafkaClients clients, List<String> inputs,
            List<String> outputs, Map<String, StoreDefinition<?, ?>> stores,
            Function<Map<String, ChangelogTopics.Changelog>, PollLoop<?, ?>> loops) {
        this.settings = settings;
        this.lifecycle = lifecycle;
        this.clients = clients;
        this.inputs = inputs;
        this.outputs = outputs;
        this.stores = stores;
        this.loops = loops;
    }

    /** See {@code Pipeline.start()}. */
    public void start() {
        lifecycle.transition(State.STARTING);
        Map<String, ChangelogTopics.Changelog> changelogs = Map.of();
        try {
            if (!TopicCheck.allExist(clients, settings, inputs, outputs, () -> closeRequested)) {
                lifecycle.transitionIfPossible(State.STOPPING);
                lifecycle.transitionIfPossible(State.STOPPED);
                return;
            }
            if (!stores.isEmpty()) {
                try (Admin admin = clients.admin(settings.adminConfigs())) {
                    changelogs = ChangelogTopics.ensure(admin, settings.applicationId(), inputs.get(0), stores.values(),
                            settings.changelogReplicationFactor(), settings.maxRequestSize());
                }
            }
        } catch (RuntimeException e) {
            lifecycle.fail(e);
            throw e;
        }
        try {
            PollLoop<?, ?> l = loops.apply(changelogs);
            loop = l;
            Thread t = new Thread(l, "eos-" + settings.applicationId() + "-poll");
            thread = t;
            t.start();
        } catch (RuntimeException | Error e) { // never left STARTING
            lifecycle.fail(e);
            throw e;
        }
        PollLoop<?, ?> l = loop;
        if (closeRequested) {
            l.requestStop();
        }
    }

    /** See {@code Pipeline.close(Duration)}. */
    public boolean close(Duration timeout) {
        closeRequested = true;
        if (lifecycle.state() == State.CREATED && lifecycle.transitionIfPossible(State.STOPPED)) {
            return true; // never started: nothing to stop
        }
        long deadline = System.nanoTime() + Math.max(1, timeout.toMillis()) * 1_000_000L;
        PollLoop<?, ?> l = loop;
        if (l != null) {
            l.requestStop();
        }
        Thread t = thread;
        if (t == Thread.currentThread()) {
            return lifecycle.state().isTerminal();
        }
        try {
            while (t == null && !lifecycle.state().isTerminal() && System.nanoTime() < deadline) {
                Thread.sleep(10); // start() is checking topics; it sees closeRequested
                t = thread;
            }
            if (t != null) {
                l = loop;
                l.requestStop();
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
                if (t.isAlive()) {
                    l.abandon();
                    t.join(5_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lifecycle.state().isTerminal();
    }
}
