package dev.eos.internals.state;

import java.nio.ByteBuffer;
import org.apache.kafka.common.Uuid;

/**
 * Where a local store stands in its changelog partition: the offset after the last changelog record folded into it
 * (of a committed transaction, or read by a restore), when that was recorded, and the changelog's topic id. Written
 * in the same RocksDB write batch as the entries it covers, so the two never disagree, even after a crash.
 *
 * @param offset the changelog offset the next restore starts at
 * @param recordedAtMs wall-clock time the position was recorded (epoch milliseconds)
 * @param topicId the changelog's topic id, or {@link Uuid#ZERO_UUID} if unknown
 */
record ChangelogPosition(long offset, long recordedAtMs, Uuid topicId) {

    private static final int SIZE = 8 + 8 + 16;

    byte[] encode() {
        return ByteBuffer.allocate(SIZE).putLong(offset).putLong(recordedAtMs)
                .putLong(topicId.getMostSignificantBits()).putLong(topicId.getLeastSignificantBits()).array();
    }

    /** The position encoded in {@code bytes}, or null if there is none or it is not one. */
    static ChangelogPosition decode(byte[] bytes) {
        if (bytes == null || bytes.length != SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new ChangelogPosition(b.getLong(), b.getLong(), new Uuid(b.getLong(), b.getLong()));
    }
}
