package dev.eos.internals.runtime;

import dev.eos.Pipeline.State;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's rebalance callbacks, run on the poll thread inside {@code poll}: partitions revoked are drained
 * and committed before the callback returns (their next owner starts from there), and their tasks suspended (closed
 * clean after the poll unless assigned straight back); partitions lost are aborted and their tasks closed dirty.
 * Once the loop is closing (its final commit done) the callbacks only end the epochs; the tasks close with the loop.
 */
final class RebalanceHandler implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(RebalanceHandler.class);

    private final PollLoop<?, ?> loop;

    RebalanceHandler(PollLoop<?, ?> loop) {
        this.loop = loop;
    }

    /**
     * Whether partitions taken away need handling: false for none, or once the loop is closing (then they are
     * only dropped); otherwise the pipeline moves to REBALANCING.
     */
    private boolean rebalancing(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return false;
        }
        if (loop.closing) {
            loop.partitions.revoked(partitions);
            loop.transactions.forget(partitions);
            return false; // the stores are closed with the loop
        }
        loop.lifecycle.transitionIfPossible(State.REBALANCING);
        return true;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!rebalancing(partitions)) {
            return;
        }
        long failures = loop.transactions.failures();
        loop.transactions.finishCommit(true); // the running commit may hold offsets of these partitions
        List<PartitionTracker> revoked = loop.partitions.of(partitions);
        if (loop.transactions.isOpen() || !revoked.isEmpty()) {
            log.info("[app={}] partitions revoked {}: finishing and committing their work first", loop.app,
                    partitions);
            loop.drainAndCommit(revoked, "revoke");
        }
        if (loop.transactions.failures() == failures) {
            loop.partitions.revoked(partitions); // their final commit is done: kept open for now, closed clean
        } else {
            loop.partitions.lost(partitions); // a commit failed on the way out: closed dirty
        }
        loop.transactions.forget(partitions); // their rejected-output suspicions
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        if (!rebalancing(partitions)) {
            return;
        }
        log.warn("[app={}] partitions lost {}: aborting the open transaction and dropping their work", loop.app,
                partitions);
        loop.abortAndReset();
        loop.partitions.lost(partitions);
        loop.transactions.forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            log.info("[app={}] partitions assigned {}", loop.app, new ArrayList<>(partitions));
            loop.partitions.assigned(partitions);
        }
        loop.metrics.rebalanced();
        if (!loop.stopRequested()) {
            loop.lifecycle.transitionIfPossible(State.RUNNING);
        }
    }
}
