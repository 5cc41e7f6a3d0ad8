/**
 * Exactly-once local state: stores per input partition over RocksDB or the heap, the layers of uncommitted writes,
 * the changelog records that commit with the outputs, restore from the changelog from each store's
 * recorded position, and the state directory with its lock and the clean-up of state no longer owned. Internal: not API, may change in any release.
 */
package dev.eos.internals.state;
