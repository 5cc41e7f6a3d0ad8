package dev.eos.internals.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The state directory of one pipeline instance, {@code <state.dir>/<application.id>}: a lock that keeps a second
 * instance out, and per store and partition the RocksDB files ({@code <store>/<partition>/db}; where they stand in
 * the changelog is recorded inside them). The last-modified time of {@code <store>/<partition>} is when the
 * partition was last closed here: local state of partitions no longer owned is deleted some time after it.
 */
final class StateDirectory {

    final Path root;
    private FileChannel channel;
    private FileLock lock;

    StateDirectory(Path stateDir, String applicationId) {
        this.root = stateDir.resolve(applicationId);
    }

    /** Takes the directory's lock. @throws IllegalStateException if another pipeline instance holds it */
    void lock() {
        Path file = root.resolve(".lock");
        try {
            Files.createDirectories(root);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another pipeline of this JVM
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot lock the state directory " + root + ": " + e, e);
        }
        if (lock == null) {
            closeQuietly();
            throw new IllegalStateException("The state directory " + root + " is in use by another instance of this "
                    + "application (it holds " + file + "); give each instance its own state.dir");
        }
    }

    void unlock() {
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException e) {
            // released when the channel closes
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing to do
        }
    }

    Path dbDir(String store, int partition) {
        return root.resolve(store).resolve(Integer.toString(partition)).resolve("db");
    }

    /** {@code <store>/<partition>}: the store's files for one input partition. */
    Path partitionDir(String store, int partition) {
        return root.resolve(store).resolve(Integer.toString(partition));
    }

    /** Marks the local files of a store partition as closed now: {@link #expired} counts from here. */
    void touch(String store, int partition) {
        Path dir = partitionDir(store, partition);
        try {
            if (Files.isDirectory(dir)) {
                Files.setLastModifiedTime(dir, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
            }
        } catch (IOException e) {
            // the delay then counts from the last change of the directory
        }
    }

    /**
     * The {@code <store>/<partition>} directories whose last close (or change) is more than {@code delayMs} ago,
     * among the stores named in {@code stores}.
     */
    java.util.List<Path> expired(java.util.Collection<String> stores, long delayMs, long nowMs) {
        java.util.List<Path> out = new java.util.ArrayList<>();
        for (String store : stores) {
            Path dir = root.resolve(store);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> children = Files.list(dir)) {
                for (Path p : children.toList()) {
                    if (Files.isDirectory(p) && p.getFileName().toString().matches("\\d+")
                            && nowMs - Files.getLastModifiedTime(p).toMillis() > delayMs) {
                        out.add(p);
                    }
                }
            } catch (IOException e) {
                // looked at again next time
            }
        }
        return out;
    }

    /** Deletes a directory and everything in it. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }

    /** Deletes the local files of one store partition. */
    void wipe(String store, int partition) {
        delete(dbDir(store, partition));
    }
}
