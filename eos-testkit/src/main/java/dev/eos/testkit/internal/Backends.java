package dev.eos.testkit.internal;

import dev.eos.testkit.KafkaCluster;

/** Chooses and starts the optional Testcontainers backend without loading its classes otherwise. Not API. */
public final class Backends {

    private Backends() {
    }

    /** Whether Testcontainers is on the class path and a Docker engine answers. */
    public static boolean dockerAvailable() {
        if (System.getenv("DOCKER_HOST") == null
                && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                && !java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".docker"))) {
            return false; // nothing to ask: no engine socket, no Docker client configuration
        }
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, Backends.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        try {
            return TestcontainersKafkaCluster.dockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Why the Testcontainers backend cannot run here, or null if it can. */
    public static String dockerUnavailableReason() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, Backends.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return "Testcontainers is not on the class path (add org.testcontainers:testcontainers-kafka)";
        }
        return dockerAvailable() ? null : "no Docker engine answers on this machine";
    }

    /** Starts a one-node cluster in a Docker container. */
    public static KafkaCluster startTestcontainers(int nodes) {
        if (nodes != 1) {
            throw new IllegalArgumentException("The Testcontainers backend runs 1 node; use the process backend"
                    + " (-D" + KafkaCluster.BACKEND_PROPERTY + "=process) for " + nodes + " nodes");
        }
        String reason = dockerUnavailableReason();
        if (reason != null) {
            throw new IllegalStateException("Cannot use the Testcontainers backend: " + reason);
        }
        return TestcontainersKafkaCluster.start();
    }
}
