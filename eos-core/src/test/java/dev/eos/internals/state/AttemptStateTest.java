package dev.eos.internals.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eos.KeyValueIterator;
import dev.eos.KeyValueStore;
import dev.eos.StoreDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/**
 * An attempt's stores are used by the user's thread (a worker, or whichever thread completes an async stage) and
 * ended by another (the timer on a timeout, the poll thread on a dropped epoch): ending them is safe against a
 * user's thread that is still writing and scanning.
 */
class AttemptStateTest {

    private static final StoreDefinition<String, Integer> STORE =
            StoreDefinition.inMemory("s", Serdes.String(), Serdes.Integer());
    private static final Map<String, StoreDefinition<?, ?>> DECLARED = Map.of("s", STORE);

    @Test
    void endingAnAttemptFromAnotherThreadIsSafeWhileTheUserStillWritesAndScans() throws Exception {
        for (int round = 0; round < 200; round++) {
            LocalStore sp = new LocalStore(STORE, 0, "app-s-changelog", null, new MemoryBaseStore());
            EpochStores stores = new EpochStores(Map.of("s", sp));
            AttemptState state = new AttemptState(DECLARED, stores, "in-0@" + round);
            KeyValueStore<String, Integer> store = state.store(STORE);
            List<KeyValueIterator<String, Integer>> opened = new ArrayList<>();
            AtomicReference<Throwable> userFailure = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread user = new Thread(() -> {
                try {
                    for (int i = 0; ; i++) {
                        store.put("k" + i, i);
                        KeyValueIterator<String, Integer> it = store.all();
                        synchronized (opened) {
                            opened.add(it);
                        }
                        started.countDown();
                    }
                } catch (IllegalStateException ended) {
                    // the attempt ended: later use is refused
                } catch (Throwable t) {
                    userFailure.set(t);
                } finally {
                    started.countDown();
                }
            });
            user.start();
            started.await();
            StateWrites writes = round % 2 == 0 ? state.complete() : null;
            if (round % 2 == 1) {
                state.discard();
            }
            user.join();
            assertThat(userFailure.get()).isNull();
            LocalStore probe = sp;
            // every scan the attempt opened was closed by its end (none opened after it): the next fold releases the
            // whole overlay
            AttemptState next = new AttemptState(DECLARED, stores, "next");
            next.store(STORE).put("z", 1);
            TransactionWrites t = new TransactionWrites();
            if (writes != null) {
                t.add(writes);
            }
            t.add(next.complete());
            t.fold();
            assertThat(stores.get("s").overlay.size()).as("round %d: writes after the end leak nothing", round)
                    .isZero();
            assertThat(probe.base.get(Serdes.String().serializer().serialize("t", "z"))).isNotNull();
        }
    }
}
