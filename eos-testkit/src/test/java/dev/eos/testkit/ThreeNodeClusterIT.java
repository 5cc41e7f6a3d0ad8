package dev.eos.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

@WithKafkaCluster(nodes = 3, shared = false)
class ThreeNodeClusterIT {

    @Test
    void shouldKeepEveryAcknowledgedRecordWhenANodeIsKilledAndRestarted(KafkaCluster kafka) throws Exception {
        assertThat(kafka.nodes()).hasSize(3);
        String topic = "survive-kill";
        kafka.createTopics(3, topic);
        Set<String> acknowledged = new HashSet<>();
        try (KafkaProducer<String, String> producer = LocalKafkaClusterIT.producer(kafka, null)) {
            for (int round = 0; round < 3; round++) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                List<String> values = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    String v = "r" + round + "-" + i;
                    values.add(v);
                    sent.add(producer.send(new ProducerRecord<>(topic, "k" + i, v)));
                }
                for (int i = 0; i < sent.size(); i++) {
                    sent.get(i).get();
                    acknowledged.add(values.get(i));
                }
                if (round == 0) {
                    KafkaNode victim = kafka.node(2);
                    long pid = victim.pid();
                    victim.kill();
                    assertThat(victim.isAlive()).isFalse();
                    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                }
                if (round == 1) {
                    kafka.node(2).restart();
                    assertThat(kafka.node(2).isAlive()).isTrue();
                }
            }
        }
        List<ConsumerRecord<String, String>> read = LocalKafkaClusterIT.readAll(kafka, topic, "read_committed",
                acknowledged.size());
        Set<String> values = new HashSet<>();
        read.forEach(r -> values.add(r.value()));
        assertThat(values).containsAll(acknowledged);
        assertThat(acknowledged).hasSize(600);
    }

    @Test
    void shouldPauseAndResumeANode(KafkaCluster kafka) throws Exception {
        KafkaNode node = kafka.node(3);
        node.pause();
        ProcessHandle h = ProcessHandle.of(node.pid()).orElseThrow();
        assertThat(h.isAlive()).isTrue();
        assertThat(processState(node.pid())).isEqualTo("T");
        node.resume();
        assertThat(processState(node.pid())).isNotEqualTo("T");
    }

    private static String processState(long pid) throws Exception {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }
}
