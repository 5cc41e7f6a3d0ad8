package dev.eos.examples.cli;

import dev.eos.examples.Example;
import dev.eos.examples.LedgerPostgres;
import dev.eos.examples.WorkerProcess;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * {@code eos demo --example ledger-postgres}: transfers applied to PostgreSQL (a local server from Maven Central's
 * binaries, or {@code --jdbc-url}) by worker processes through eos-jdbc, the input written while they run (a tenth
 * first, the rest in 40 steps a quarter of a second apart); one worker is killed with SIGKILL part way
 * and replaced, and a local server is restarted part way (every connection breaks, a commit may be cut); then the
 * database is checked against the committed input. Ends with the demo's last line.
 */
final class LedgerDemo {

    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private LedgerDemo() {
    }

    static int run(int records, int partitions, int workerCount, String given, String jdbcUrl) {
        LocalPostgres pg = null;
        try (DemoRun d = new DemoRun(given)) {
            if (jdbcUrl == null) {
                d.say("starting a local PostgreSQL server (binaries from Maven Central)...");
                pg = LocalPostgres.start();
                jdbcUrl = pg.jdbcUrl();
            }
            d.say("Kafka at " + d.bootstrap + ", PostgreSQL at " + jdbcUrl + "; example " + LedgerPostgres.NAME + ": "
                    + LedgerPostgres.DESCRIPTION);
            String run = "eos-ledger-" + Long.toString(System.currentTimeMillis(), 36);
            LedgerPostgres ledger = new LedgerPostgres(run, LedgerPostgres.dataSource(jdbcUrl));
            ledger.createTables();
            KafkaCluster.createTopics(d.bootstrap, partitions, ledger.topic());
            d.say("topic " + ledger.topic() + " (" + partitions + " partitions); tables " + run.replace('-', '_')
                    + "_{balances,applied_ops,offsets,dead_letters}");
            int first = Math.max(1, records / 10);
            d.say("writing " + first + " transfers; the other " + (records - first) + " follow while the workers run");
            ledger.produce(d.bootstrap, 0, first);
            String bootstrap = d.bootstrap;
            Thread writer = new Thread(() -> {
                int step = Math.max(1, records / 40);
                for (int from = first; from < records; from += step) {
                    ledger.produce(bootstrap, from, Math.min(records, from + step));
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "ledger-input");
            writer.setDaemon(true);
            Path logDir = Files.createTempDirectory("eos-demo-");
            for (int i = 1; i <= workerCount; i++) {
                d.workers.add(start(d.bootstrap, run, "w" + i, jdbcUrl, logDir));
            }
            d.say("started " + workerCount + " worker processes, logs in " + logDir);
            writer.start();
            boolean killed = false;
            boolean restarted = pg == null;
            long done = 0;
            long lastReport = System.nanoTime();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (done < records) {
                if (System.nanoTime() > deadline) {
                    d.say("timed out after " + TIMEOUT.toMinutes() + " min waiting for the database");
                    break;
                }
                Thread.sleep(250);
                try {
                    done = ledger.progress();
                } catch (SQLException restarting) {
                    continue;
                }
                if (!killed && done >= records / 3) {
                    WorkerProcess victim = d.workers.get(1);
                    victim.kill();
                    d.say("killed " + victim + " with SIGKILL at " + done + " transfers applied");
                    d.workers.set(1, start(d.bootstrap, run, victim.instance(), jdbcUrl, logDir));
                    d.say("started replacement " + d.workers.get(1));
                    killed = true;
                }
                if (!restarted && done >= 2L * records / 3) {
                    d.say("restarting PostgreSQL at " + done + " transfers applied (connections break)");
                    pg.restart();
                    restarted = true;
                    d.say("PostgreSQL is back");
                }
                if (System.nanoTime() - lastReport >= 2_000_000_000L) {
                    d.say("applied or dead-lettered " + done + " of " + records);
                    lastReport = System.nanoTime();
                }
            }
            d.say("stopping the workers");
            for (WorkerProcess w : d.workers) {
                w.stop(30);
            }
            d.workers.clear();
            d.say("checking the database against the committed input (read_committed)...");
            Example.Check check = ledger.check(d.bootstrap);
            for (String line : check.details()) {
                d.say("  " + line);
            }
            System.out.println(check.verdict());
            return check.ok() ? 0 : 1;
        } catch (Exception e) {
            return DemoRun.crashed(e, records);
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    private static WorkerProcess start(String bootstrap, String run, String instance, String jdbcUrl, Path dir) {
        return WorkerProcess.start(bootstrap, run, instance, "-", "-", dir, List.of("--example", LedgerPostgres.NAME,
                "--jdbc-url", jdbcUrl, "--concurrency", "8"));
    }
}
