package dev.eos;

/**
 * The headers that say where an output came from, added to every output when
 * {@code output.provenance.headers=true}: the input record's topic, partition and offset, and the transaction
 * that wrote the output ({@link DeadLetter#TRANSACTION}). With them, {@code ./eos verify} can audit a live
 * pipeline's committed output: inputs with no output, inputs whose outputs are in more than one transaction,
 * outputs of unknown source. Dead letters carry their source in the {@link DeadLetter} headers. Values are UTF-8
 * strings; read them with {@link DeadLetter#header}.
 */
public final class Provenance {

    /** Topic of the input record the output was made from. */
    public static final String SOURCE_TOPIC = "eos.source.topic";
    /** Partition of the input record. */
    public static final String SOURCE_PARTITION = "eos.source.partition";
    /** Offset of the input record. */
    public static final String SOURCE_OFFSET = "eos.source.offset";

    private Provenance() {
    }
}
