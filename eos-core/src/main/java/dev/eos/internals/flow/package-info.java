/**
 * Back-pressure: when partitions stop fetching.
 *
 * <p>Internal to eos-core: not API, may change in any release.
 */
package dev.eos.internals.flow;
