package dev.eos.internals.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The state directory of one pipeline instance, {@code <state.dir>/<application.id>}: a lock that keeps a second
 * instance out, and per store and partition the RocksDB files ({@code <store>/<partition>/db}) and the checkpoint
 * written on a clean close ({@code <store>/<partition>/checkpoint}, the changelog offset the files reflect).
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

    private Path checkpointFile(String store, int partition) {
        return root.resolve(store).resolve(Integer.toString(partition)).resolve("checkpoint");
    }

    /**
     * Reads and deletes the checkpoint: from here on the local copy changes, and after an unclean stop it must not
     * be trusted. Returns -1 if there was none (or it cannot be read).
     */
    long takeCheckpoint(String store, int partition) {
        Path f = checkpointFile(store, partition);
        try {
            if (!Files.exists(f)) {
                return -1;
            }
            String text = Files.readString(f, StandardCharsets.UTF_8).trim();
            Files.delete(f);
            return Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Writes the checkpoint durably (a new file moved into place). */
    void writeCheckpoint(String store, int partition, long offset) {
        Path f = checkpointFile(store, partition);
        Path tmp = f.resolveSibling("checkpoint.tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(ByteBuffer.wrap((offset + "\n").getBytes(StandardCharsets.UTF_8)));
            c.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the checkpoint " + f, e);
        }
        try {
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the checkpoint " + f, e);
        }
    }

    /** Deletes the local files of one store partition. */
    void wipe(String store, int partition) {
        Path dir = dbDir(store, partition);
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
}
