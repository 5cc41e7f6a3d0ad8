package dev.eos.internals.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.internals.exec.Epoch;
import dev.eos.internals.exec.Work;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class RejectedOutputProbeTest {

    private static Work work(TopicPartition tp, long offset) {
        return new Work(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, new byte[0], new byte[0]), tp,
                new Epoch(), null);
    }

    @Test
    void shouldSuspectOnlyRecordSpecificErrorsAndConfirmOnRedo() {
        RejectedOutputProbe probe = new RejectedOutputProbe();
        TopicPartition tp = new TopicPartition("in", 0);
        Work big = work(tp, 1);
        probe.onSendFailure(work(tp, 0), new NotLeaderOrFollowerException("retriable, not the record's fault"));
        probe.onSendFailure(big, new RecordTooLargeException("too large"));
        assertThat(probe.size()).isEqualTo(1);
        Exception suspicion = probe.takeSuspicion(big);
        assertThat(suspicion).isInstanceOf(RecordTooLargeException.class);
        probe.confirm(big, suspicion);
        assertThat(probe.takeProgress()).isTrue();
        assertThat(probe.takeProgress()).isFalse();
        assertThat(probe.takeConfirmed(big)).isSameAs(suspicion);
        assertThat(probe.size()).isZero();
    }

    @Test
    void shouldForgetSuspectsAndVerdictsOfRevokedOrLostPartitions() {
        RejectedOutputProbe probe = new RejectedOutputProbe();
        TopicPartition kept = new TopicPartition("in", 0);
        TopicPartition revoked = new TopicPartition("in", 1);
        probe.onSendFailure(work(kept, 5), new RecordTooLargeException("x"));
        probe.onSendFailure(work(revoked, 5), new RecordTooLargeException("x"));
        probe.confirm(work(revoked, 6), new RecordTooLargeException("x"));
        probe.forget(List.of(revoked));
        assertThat(probe.size()).isEqualTo(1);
        assertThat(probe.takeSuspicion(work(kept, 5))).isNotNull();
        assertThat(probe.takeConfirmed(work(revoked, 6))).isNull();
    }
}
