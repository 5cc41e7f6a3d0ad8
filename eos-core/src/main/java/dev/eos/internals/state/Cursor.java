package dev.eos.internals.state;

/** A position in serialized entries sorted by key ({@link KeyOrder}); a null value is a deletion. */
interface Cursor extends AutoCloseable {

    boolean valid();

    byte[] key();

    byte[] value();

    void next();

    @Override
    void close();
}
