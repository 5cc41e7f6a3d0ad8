/**
 * The poll loop of a pipeline: partitions and their epochs, rebalances, the lifecycle, settings and the client
 * seam.
 *
 * <p>Internal to eos-core: not API, may change in any release.
 */
package dev.eos.internals.runtime;
