package dev.eos.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code eos.*} properties: defaults for every pipeline of the application, and {@code eos.pipelines.<name>.*}
 * for one. A pipeline's settings are, from weakest to strongest: what its {@link PipelineDefinition} sets in code,
 * {@code eos.config}, {@code eos.pipelines.<name>.config}. Every value is checked by {@link dev.eos.EosConfig} when
 * the application starts; a wrong one fails the start naming the property.
 */
@ConfigurationProperties(prefix = "eos")
public class EosProperties {

    /** Whether the starter builds and runs the application's pipelines. */
    private boolean enabled = true;

    /**
     * Kafka brokers to connect to, as host:port pairs. When not set, spring.kafka.bootstrap-servers is used.
     */
    private List<String> bootstrapServers;

    /**
     * Identity of this instance within each application (eos instance.id): its transactional ids are
     * {@code <application.id>-<instance.id>-0} and {@code -1}. Give a restarted instance the same value (a pod's
     * stable name); two live instances must never share one. Empty picks a random value at each start.
     */
    private String instanceId;

    /** eos settings for every pipeline, as in docs/configuration.md, for example retry.max.attempts: 5. */
    private Map<String, String> config = new LinkedHashMap<>();

    /**
     * Kafka client settings given once and applied to the consumer, the producers and the admin client of every
     * pipeline: security (security.protocol, ssl.*, sasl.*), client.dns.lookup, and the like.
     */
    private Map<String, String> kafka = new LinkedHashMap<>();

    /**
     * How long the application's shutdown waits for each pipeline to commit what it has processed and leave its
     * group; at most spring.lifecycle.timeout-per-shutdown-phase, which is checked at startup. Pipelines close in
     * parallel.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(20);

    /**
     * Whether the application exits, with exit code 1, when a pipeline fails (state FAILED). Either way the
     * pipeline's health turns DOWN and the application's liveness state turns BROKEN.
     */
    private boolean exitOnFailure = false;

    /**
     * Whether the pipelines start with the application context; when false, the application starts them with
     * EosPipelines.start().
     */
    private boolean autoStartup = true;

    /** Settings of each pipeline, by the name its PipelineDefinition bean gives. */
    private Map<String, Pipeline> pipelines = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<String> getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(List<String> bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public Map<String, String> getConfig() {
        return config;
    }

    public void setConfig(Map<String, String> config) {
        this.config = config;
    }

    public Map<String, String> getKafka() {
        return kafka;
    }

    public void setKafka(Map<String, String> kafka) {
        this.kafka = kafka;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public boolean isExitOnFailure() {
        return exitOnFailure;
    }

    public void setExitOnFailure(boolean exitOnFailure) {
        this.exitOnFailure = exitOnFailure;
    }

    public boolean isAutoStartup() {
        return autoStartup;
    }

    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    public Map<String, Pipeline> getPipelines() {
        return pipelines;
    }

    public void setPipelines(Map<String, Pipeline> pipelines) {
        this.pipelines = pipelines;
    }

    /** The properties of one pipeline, {@code eos.pipelines.<name>.*}. */
    public static class Pipeline {

        /**
         * The pipeline's application id: its consumer group, the prefix of its transactional ids and the name of
         * its state directory lock. Each pipeline of an application has its own. Defaults to the pipeline's name.
         */
        private String applicationId;

        /** eos settings of this pipeline; they win over eos.config. */
        private Map<String, String> config = new LinkedHashMap<>();

        /** Kafka client settings for this pipeline's consumer, producers and admin client; they win over eos.kafka. */
        private Map<String, String> kafka = new LinkedHashMap<>();

        public String getApplicationId() {
            return applicationId;
        }

        public void setApplicationId(String applicationId) {
            this.applicationId = applicationId;
        }

        public Map<String, String> getConfig() {
            return config;
        }

        public void setConfig(Map<String, String> config) {
            this.config = config;
        }

        public Map<String, String> getKafka() {
            return kafka;
        }

        public void setKafka(Map<String, String> kafka) {
            this.kafka = kafka;
        }
    }
}
