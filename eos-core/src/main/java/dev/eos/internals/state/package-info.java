/**
 * Exactly-once local state: stores per input partition over RocksDB or the heap, the layers of uncommitted writes,
 * the changelog records that commit with the outputs, restore from the changelog, checkpoints and the state
 * directory lock. Internal: not API, may change in any release.
 */
package dev.eos.internals.state;
