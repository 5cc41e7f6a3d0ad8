package dev.eos.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.DeadLetter;
import dev.eos.Pipeline;
import dev.eos.Provenance;
import dev.eos.examples.MapExample;
import dev.eos.examples.WorkerProcess;
import dev.eos.examples.audit.OutputAudit;
import dev.eos.testkit.KafkaCluster;
import dev.eos.testkit.WithKafkaCluster;
import dev.eos.testkit.chaos.OutputCheck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Coalesced output topics on a real broker: the latest value per key and transaction, each covering a range of
 * inputs; {@code eos verify} and the chaos kit's checker account every input to exactly one committed output range,
 * across restarts, a worker killed with SIGKILL (its open transaction aborted) and a planted duplicate.
 */
@WithKafkaCluster
class CoalescedOutputIT {

    /** Waits until the group has committed {@code total} input offsets in all. */
    private static void awaitConsumed(String bootstrap, String group, long total, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            long consumed = -1;
            while (System.nanoTime() < deadline) {
                consumed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values()
                        .stream().mapToLong(OffsetAndMetadata::offset).sum();
                if (consumed >= total) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new AssertionError(group + " consumed " + consumed + " of " + total + " inputs within " + timeout);
        }
    }

    private static Pipeline<String, String> coalesced(Fixture f) {
        return MapExample.pipeline(f.bootstrap(), f.app, "i1", f.input, f.output, Map.of(
                "output.provenance.headers", true, "commit.eager", false, "commit.interval.ms", 300), 0, 0, null,
                EnumSet.of(MapExample.Variant.COALESCED));
    }

    @Test
    void shouldAuditACoalescedPipelinesOutputCleanAcrossARestartAndFindAPlantedDuplicate(KafkaCluster kafka)
            throws Exception {
        try (Fixture f = new Fixture(kafka, "coalesced-audit", 3)) {
            f.produce(3_000);
            for (int round = 0; round < 2; round++) {
                Pipeline<String, String> p = coalesced(f);
                p.start();
                try {
                    awaitConsumed(f.bootstrap(), f.app, f.produced, Duration.ofMinutes(2));
                } finally {
                    p.close(Duration.ofSeconds(30));
                }
                f.produce(2_000);
            }
            List<ConsumerRecord<String, String>> out = OutputCheck.read(f.bootstrap(), f.output,
                    IsolationLevel.READ_COMMITTED);
            OutputAudit.Report r = OutputAudit.run(f.bootstrap(), f.input, f.output, null, null);
            // the last 2,000 inputs were produced after the second run: no output yet, so missing
            assertThat(r.missing).as(r.lines().toString()).isEqualTo(2_000);
            assertThat(r.multipleTransactions).isZero();
            assertThat(r.unknownSource).isZero();
            assertThat(r.outputs).as("coalesced: fewer outputs than inputs").isEqualTo(out.size()).isLessThan(5_000);
            assertThat(out).allSatisfy(o -> assertThat(o.headers().lastHeader(Provenance.SOURCE_FIRST_OFFSET))
                    .isNotNull());

            Pipeline<String, String> last = coalesced(f);
            last.start();
            try {
                awaitConsumed(f.bootstrap(), f.app, f.produced, Duration.ofMinutes(2));
            } finally {
                last.close(Duration.ofSeconds(30));
            }
            Object[] clean = AuditIT.cli("verify", "--bootstrap", f.bootstrap(), "--input", f.input, "--output",
                    f.output);
            assertThat(clean[0]).as((String) clean[1]).isEqualTo(0);
            assertThat((String) clean[1]).contains("audit: CLEAN inputs=7000");

            // one coalesced output written again by another transaction: its inputs were processed twice
            ConsumerRecord<String, String> first = out.get(0);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, f.bootstrap(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, f.app + "-planted"), new StringSerializer(),
                    new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                ProducerRecord<String, String> again = new ProducerRecord<>(f.output, first.partition(), first.key(),
                        first.value());
                for (Header h : first.headers()) {
                    if (!h.key().equals(DeadLetter.TRANSACTION)) {
                        again.headers().add(h);
                    }
                }
                again.headers().add(DeadLetter.TRANSACTION, "planted:0:1".getBytes(StandardCharsets.UTF_8));
                producer.send(again);
                producer.commitTransaction();
            }
            Object[] violated = AuditIT.cli("verify", "--bootstrap", f.bootstrap(), "--input", f.input, "--output",
                    f.output);
            assertThat(violated[0]).as((String) violated[1]).isEqualTo(1);
            assertThat((String) violated[1]).contains("audit: VIOLATED").contains("outputs in more than one "
                    + "transaction: " + f.input + "-" + DeadLetter.header(first.headers(), Provenance.SOURCE_PARTITION)
                    + " input offset " + DeadLetter.header(first.headers(), Provenance.SOURCE_FIRST_OFFSET));
        }
    }

    @Test
    void shouldKeepCoalescedOutputsExactlyOnceWhenAWorkerIsKilledMidStream(KafkaCluster kafka) throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("CoalescedOutputIT seed=" + seed + " (replay with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        String[] options = {"--coalesced", "--provenance", "--commit-interval-ms", "300", "--max-sleep-ms", "1"};
        try (Fixture f = new Fixture(kafka, "coalesced-kill9", 4)) {
            f.produce(6_000);
            f.startWorker("c1", options);
            f.startWorker("c2", options);
            for (int round = 0; round < 3; round++) {
                f.produce(3_000);
                Thread.sleep(500 + random.nextInt(1_500));
                int victim = random.nextInt(f.workers.size());
                WorkerProcess w = f.workers.get(victim);
                w.kill();
                System.out.println("round " + round + ": killed " + w);
                f.workers.set(victim, WorkerProcess.start(f.bootstrap(), f.app, w.instance(), f.input, f.output,
                        f.logDir, List.of(options)));
            }
            awaitConsumed(f.bootstrap(), f.app, f.produced, Duration.ofMinutes(3));
            for (WorkerProcess w : f.workers) {
                w.stop(30);
            }
            OutputCheck.Report check = OutputCheck.check(f.bootstrap(), f.input, f.output, null,
                    v -> v.substring(MapExample.PREFIX.length()), v -> false);
            System.out.println("coalesced kill -9: " + check);
            assertThat(check.violations()).as(check.toString()).isZero();
            assertThat(check.input).isEqualTo(f.produced);
            assertThat(check.output).as("coalesced: fewer outputs than inputs").isLessThan(f.produced);
            OutputAudit.Report audit = OutputAudit.run(f.bootstrap(), f.input, f.output, null, null);
            assertThat(audit.clean()).as(audit.lines().toString()).isTrue();
            assertThat(audit.inputs).isEqualTo(f.produced);
        }
    }
}
