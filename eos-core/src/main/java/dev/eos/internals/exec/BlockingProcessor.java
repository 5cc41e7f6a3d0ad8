package dev.eos.internals.exec;

import dev.eos.AsyncProcessor;
import dev.eos.InputRecord;
import dev.eos.Processor;
import dev.eos.ProcessorContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A blocking {@link Processor} seen as an {@link AsyncProcessor}: it returns {@link #DONE} once the call
 * returned, which the {@link RecordRunner} recognises so that a blocking attempt completes on its worker thread
 * without any stage callback.
 */
public final class BlockingProcessor<K, V> implements AsyncProcessor<K, V> {

    /** The stage every blocking call returns. */
    static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Processor<K, V> processor;

    private BlockingProcessor(Processor<K, V> processor) {
        this.processor = processor;
    }

    public static <K, V> AsyncProcessor<K, V> of(Processor<K, V> processor) {
        return new BlockingProcessor<>(processor);
    }

    @Override
    public void init(ProcessorContext context) throws Exception {
        processor.init(context);
    }

    @Override
    public CompletionStage<?> process(InputRecord<K, V> record, ProcessorContext context) throws Exception {
        processor.process(record, context);
        return DONE;
    }

    @Override
    public void close() throws Exception {
        processor.close();
    }
}
