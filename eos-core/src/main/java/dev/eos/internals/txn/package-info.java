/**
 * Transactions: the two transactional producers, the open transaction, commits on the committer thread, aborts
 * and the rejected-output probe.
 *
 * <p>Internal to eos-core: not API, may change in any release.
 */
package dev.eos.internals.txn;
