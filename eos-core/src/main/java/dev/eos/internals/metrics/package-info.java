/**
 * Metrics: what the runtime reports (Micrometer meters when the pipeline has a registry, nothing otherwise)
 * and the live status that gauges and {@code Pipeline.health()} read.
 *
 * <p>Internal to eos-core: not API, may change in any release.
 */
package dev.eos.internals.metrics;
