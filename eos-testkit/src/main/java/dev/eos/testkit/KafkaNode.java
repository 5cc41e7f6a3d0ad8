package dev.eos.testkit;

/**
 * One node (combined KRaft broker and controller) of a {@link KafkaCluster}, with the faults the crash
 * tests inject. All operations are synchronous: they return once the node is in the new condition
 * ({@link #restart()} returns once the node serves requests again).
 */
public interface KafkaNode {

    /** The node id ({@code node.id}), from 1. */
    int id();

    /** The operating-system process id of the node, or -1 if it is not running as a local process. */
    long pid();

    /** Whether the node's process is running (a paused node is running). */
    boolean isAlive();

    /** Kills the node at once, with no chance to flush or shut down (SIGKILL). No-op if it is not running. */
    void kill();

    /** Suspends the node (SIGSTOP): it stops answering but keeps its connections and state. */
    void pause();

    /** Resumes a node suspended by {@link #pause()} (SIGCONT). */
    void resume();

    /** Stops the node if it runs (SIGKILL), then starts it again with the same id, ports and data. */
    void restart();
}
