package dev.eos;

/**
 * The headers that say where an output came from, added to every output when
 * {@code output.provenance.headers=true}: the input record's topic, partition and offset, and the transaction
 * that wrote the output ({@link DeadLetter#TRANSACTION}). With them, {@code ./eos verify} can audit a live
 * pipeline's committed output: inputs with no output, inputs whose outputs are in more than one transaction,
 * outputs of unknown source. Dead letters carry their source in the {@link DeadLetter} headers. Values are UTF-8
 * strings; read them with {@link DeadLetter#header}. Coalesced outputs carry them whatever the setting, with
 * {@link #SOURCE_FIRST_OFFSET}.
 */
public final class Provenance {

    /** Topic of the input record the output was made from. */
    public static final String SOURCE_TOPIC = "eos.source.topic";
    /** Partition of the input record. */
    public static final String SOURCE_PARTITION = "eos.source.partition";
    /** Offset of the input record; on a {@linkplain OutputTopic#coalesced() coalesced} output, the last it covers. */
    public static final String SOURCE_OFFSET = "eos.source.offset";
    /**
     * On a {@linkplain OutputTopic#coalesced() coalesced} output only: the first input offset (of the same topic and
     * partition) whose value for the output's key the output replaced. The output covers that key's inputs from
     * this offset to {@link #SOURCE_OFFSET}.
     */
    public static final String SOURCE_FIRST_OFFSET = "eos.source.first.offset";

    private Provenance() {
    }
}
