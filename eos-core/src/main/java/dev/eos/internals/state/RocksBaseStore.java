package dev.eos.internals.state;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A {@link BaseStore} in RocksDB: the entries in the default column family, the store's {@link ChangelogPosition}
 * in the {@code offsets} column family, written in the same write batch. The write-ahead log is off and atomic
 * flush on, so whatever a crash leaves on disk is some earlier write batch with the position that goes with it
 * (a memtable flush writes both column families up to the same batch); a clean close flushes, so the next open
 * restores nothing. Workers read while the committer and restore threads write; a read-write lock keeps
 * {@link #close()} from freeing the database under a read or an open cursor.
 */
final class RocksBaseStore implements BaseStore {

    private static final byte[] OFFSETS = "offsets".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] POSITION_KEY = "changelog".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final Path dir;
    private final DBOptions options;
    private final ColumnFamilyOptions columnOptions;
    private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>(2);
    private final ColumnFamilyHandle offsets;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Set<RocksCursor> cursors = ConcurrentHashMap.newKeySet();
    private final BloomFilter filter;
    private volatile boolean closed;

    /** Opens (or creates) the database in {@code dir}. */
    RocksBaseStore(Path dir, RocksResources resources) throws RocksDBException {
        this.dir = dir;
        this.filter = new BloomFilter(10); // native: closed with the store
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(resources.cache)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setFilterPolicy(filter);
        this.columnOptions = new ColumnFamilyOptions()
                .setTableFormatConfig(table)
                .setWriteBufferSize(8L * 1024 * 1024)
                .setMaxWriteBufferNumber(3);
        this.options = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setAtomicFlush(true)
                .setWriteBufferManager(resources.writeBuffers)
                .setMaxOpenFiles(-1);
        try {
            this.db = RocksDB.open(options, dir.toString(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columnOptions),
                    new ColumnFamilyDescriptor(OFFSETS, columnOptions)), handles);
        } catch (RocksDBException e) {
            columnOptions.close();
            options.close();
            filter.close();
            throw e;
        }
        this.offsets = handles.get(1);
    }

    @Override
    public byte[] get(byte[] key) {
        lock.readLock().lock();
        try {
            checkOpen();
            return db.get(key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Reading the store in " + dir + " failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void write(List<byte[][]> entries, ChangelogPosition position) {
        lock.readLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            checkOpen();
            for (byte[][] e : entries) {
                if (e[1] == null) {
                    batch.delete(e[0]);
                } else {
                    batch.put(e[0], e[1]);
                }
            }
            if (position != null) {
                batch.put(offsets, POSITION_KEY, position.encode());
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Writing the store in " + dir + " failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public ChangelogPosition position() {
        lock.readLock().lock();
        try {
            checkOpen();
            return ChangelogPosition.decode(db.get(offsets, POSITION_KEY));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Reading the position of the store in " + dir + " failed: "
                    + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Cursor cursor(byte[] from, byte[] to) {
        lock.readLock().lock();
        try {
            checkOpen();
            RocksCursor c = new RocksCursor(db.newIterator(), from, to);
            cursors.add(c);
            return c;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void flush() {
        lock.readLock().lock();
        try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
            checkOpen();
            db.flush(f, handles);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Flushing the store in " + dir + " failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (RocksCursor c : new ArrayList<>(cursors)) {
                c.release();
            }
            for (ColumnFamilyHandle h : handles) {
                h.close();
            }
            db.close();
            columnOptions.close();
            options.close();
            writeOptions.close();
            filter.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The store in " + dir + " is closed (its partition was revoked)");
        }
    }

    /** A RocksDB iterator bounded by [from, to]; each step holds the read lock. */
    private final class RocksCursor implements Cursor {
        private final RocksIterator it;
        private final byte[] to;
        private boolean released;

        RocksCursor(RocksIterator it, byte[] from, byte[] to) {
            this.it = it;
            this.to = to;
            if (from == null) {
                it.seekToFirst();
            } else {
                it.seek(from);
            }
        }

        @Override
        public boolean valid() {
            lock.readLock().lock();
            try {
                return !released && it.isValid() && (to == null || KeyOrder.ORDER.compare(it.key(), to) <= 0);
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public byte[] key() {
            lock.readLock().lock();
            try {
                checkOpen();
                return it.key();
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public byte[] value() {
            lock.readLock().lock();
            try {
                checkOpen();
                return it.value();
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public void next() {
            lock.readLock().lock();
            try {
                checkOpen();
                it.next();
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public void close() {
            lock.readLock().lock();
            try {
                release();
            } finally {
                lock.readLock().unlock();
            }
        }

        private synchronized void release() {
            if (!released) {
                released = true;
                cursors.remove(this);
                it.close();
            }
        }
    }

    @Override
    public String toString() {
        return "RocksBaseStore[" + dir + "]";
    }
}
