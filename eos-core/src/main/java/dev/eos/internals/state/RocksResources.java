package dev.eos.internals.state;

import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory every RocksDB store of the process shares: one block cache and one write-buffer manager that charges
 * memtables to that cache, sized by {@code state.memory.bytes} of the first pipeline that opens a store. Counted
 * by users: released when the last store closes.
 */
final class RocksResources {

    private static final Logger log = LoggerFactory.getLogger(RocksResources.class);
    private static RocksResources shared;
    private static int users;

    final long bytes;
    final Cache cache;
    final WriteBufferManager writeBuffers;

    private RocksResources(long bytes) {
        RocksDB.loadLibrary();
        this.bytes = bytes;
        this.cache = new LRUCache(bytes);
        this.writeBuffers = new WriteBufferManager(bytes / 4, cache);
    }

    /** The shared resources, created with {@code bytes} if no store is open. */
    static synchronized RocksResources acquire(long bytes) {
        if (shared == null) {
            shared = new RocksResources(bytes);
        } else if (shared.bytes != bytes) {
            log.warn("state.memory.bytes={} ignored: the RocksDB stores of this process already share {} bytes",
                    bytes, shared.bytes);
        }
        users++;
        return shared;
    }

    static synchronized void release() {
        if (--users == 0 && shared != null) {
            shared.writeBuffers.close();
            shared.cache.close();
            shared = null;
        }
    }
}
