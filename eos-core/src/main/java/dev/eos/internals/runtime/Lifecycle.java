package dev.eos.internals.runtime;

import dev.eos.Pipeline.FatalErrorHandler;
import dev.eos.Pipeline.State;
import dev.eos.Pipeline.StateListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that changes a pipeline's {@link State}: checks each transition against
 * {@link State#canTransitionTo}, tells the listeners outside the lock, and calls the fatal error handler once.
 */
public final class Lifecycle {

    /** The transitions listed on {@link State}. */
    public static boolean allowed(State from, State to) {
        switch (from) {
            case CREATED: return to == State.STARTING || to == State.STOPPED;
            case STARTING: return to == State.RUNNING || to == State.STOPPING || to == State.FAILED;
            case RUNNING: return to == State.REBALANCING || to == State.STOPPING || to == State.FAILED;
            case REBALANCING: return to == State.RUNNING || to == State.STOPPING || to == State.FAILED;
            case STOPPING: return to == State.STOPPED || to == State.FAILED;
            default: return false;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final String app;
    private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
    private final FatalErrorHandler fatalErrorHandler;
    private final Object lock = new Object();
    private State state = State.CREATED;
    private volatile Throwable failure;

    public Lifecycle(String app, StateListener listener, FatalErrorHandler fatalErrorHandler) {
        this.app = app;
        if (listener != null) {
            listeners.add(listener);
        }
        this.fatalErrorHandler = fatalErrorHandler;
    }

    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    public Throwable failure() {
        return failure;
    }

    public void addListener(StateListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Moves to {@code next}.
     *
     * @throws IllegalStateException if the current state cannot move there
     */
    public void transition(State next) {
        State old;
        synchronized (lock) {
            old = state;
            if (!old.canTransitionTo(next)) {
                throw new IllegalStateException("Pipeline '" + app + "' cannot go from " + old + " to " + next);
            }
            state = next;
            lock.notifyAll();
        }
        log.info("[app={}] state {} -> {}", app, old, next);
        for (StateListener l : listeners) {
            try {
                l.onChange(next, old);
            } catch (RuntimeException e) {
                log.warn("[app={}] state listener threw on {} -> {}", app, old, next, e);
            }
        }
    }

    /** Moves to {@code next} if the current state allows it; returns whether it did. */
    public boolean transitionIfPossible(State next) {
        synchronized (lock) {
            if (!state.canTransitionTo(next)) {
                return false;
            }
        }
        try {
            transition(next);
            return true;
        } catch (IllegalStateException raced) {
            return false;
        }
    }

    /**
     * Waits until the state is final, at most {@code timeoutMs} (0: no limit); returns whether it is. On FAILED it
     * throws an {@link IllegalStateException} whose cause is {@link #failure()}.
     */
    public boolean awaitTerminal(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        State s;
        synchronized (lock) {
            while (!state.isTerminal()) {
                long left = timeoutMs == 0 ? 0 : java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(
                        deadline - System.nanoTime());
                if (timeoutMs != 0 && left <= 0) {
                    return false;
                }
                lock.wait(left);
            }
            s = state;
        }
        if (s == State.FAILED) {
            Throwable cause = failure;
            throw new IllegalStateException("Pipeline '" + app + "' failed: " + cause, cause);
        }
        return true;
    }

    /** Records the error and moves to FAILED; the fatal error handler is told once. */
    public void fail(Throwable cause) {
        failure = cause;
        if (!transitionIfPossible(State.FAILED)) {
            return;
        }
        if (fatalErrorHandler != null) {
            try {
                fatalErrorHandler.onFatalError(cause);
            } catch (RuntimeException e) {
                log.warn("[app={}] fatal error handler threw", app, e);
            }
        }
    }
}
