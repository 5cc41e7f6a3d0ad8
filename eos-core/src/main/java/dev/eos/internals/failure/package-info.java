/**
 * Failed records: the retry policy, the failure action and dead-letter records.
 *
 * <p>Internal to eos-core: not API, may change in any release.
 */
package dev.eos.internals.failure;
