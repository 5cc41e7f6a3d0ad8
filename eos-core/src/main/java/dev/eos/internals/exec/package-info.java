/**
 * Running records: the dispatcher and its worker threads, one attempt of one record, the processor context, the
 * attempt watchdog.
 *
 * <p>Internal to eos-core: not API, may change in any release.
 */
package dev.eos.internals.exec;
