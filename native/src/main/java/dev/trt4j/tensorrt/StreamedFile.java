package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.table.Provenance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Reads a file of any size into memory that Java reaches only through windows of at most 2 GiB (a
 * {@link ByteBuffer} is indexed by {@code int}), hashing it on the way. No JavaCPP types, so that it is tested
 * without native libraries; {@link PlanBytes} gives it windows over native memory.
 */
final class StreamedFile {
    /** Bytes read per window: large enough for few calls, small next to any engine worth streaming. */
    static final int CHUNK = 64 << 20;

    /** The memory being filled, as a window of {@code length} bytes at {@code offset} (position 0, limit length). */
    interface Windows {
        ByteBuffer window(long offset, int length);
    }

    private StreamedFile() {
    }

    /**
     * Fills {@code memory} with the first {@code size} bytes of {@code channel}, {@code chunk} bytes at a time.
     *
     * @param file names the file in the message
     * @return the SHA-256 of those bytes, lower-case hex (as {@link Provenance#sha256(byte[])})
     * @throws Trt4jException when the file ends before {@code size} bytes (it was being rewritten)
     */
    static String read(Path file, FileChannel channel, long size, Windows memory, int chunk) throws IOException {
        MessageDigest sha = Provenance.sha256Digest();
        for (long offset = 0; offset < size; ) {
            int length = (int) Math.min(chunk, size - offset);
            ByteBuffer window = memory.window(offset, length);
            if (window.position() != 0 || window.remaining() != length) {
                throw new IllegalStateException("window at " + offset + " is " + window + ", not " + length + " bytes");
            }
            while (window.hasRemaining()) {
                if (channel.read(window) < 0) {
                    throw new Trt4jException(file + ": ended after " + (offset + window.position()) + " of " + size
                            + " bytes while being read; was it being rewritten?");
                }
            }
            window.flip();
            sha.update(window);
            offset += length;
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
