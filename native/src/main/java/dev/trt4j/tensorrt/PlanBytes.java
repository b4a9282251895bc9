package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A serialized engine read from its file straight into native memory, with its SHA-256: no {@code byte[]}, which
 * would cap engines at 2 GiB and hold a second copy on the heap. The memory comes from {@code malloc}, outside
 * JavaCPP's own accounting (which by default refuses more than {@code -Xmx} in total), and is freed by
 * {@link #close()} (idempotent), once TensorRT has deserialized it.
 */
final class PlanBytes implements AutoCloseable {
    private final Pointer memory;
    private final long size;
    private final String digest;
    private boolean closed;

    private PlanBytes(Pointer memory, long size, String digest) {
        this.memory = memory;
        this.size = size;
        this.digest = digest;
    }

    /**
     * Reads {@code file}; needs JavaCPP's native library ({@link NativeLibraries#require()} first).
     *
     * @throws IOException as reading it failed ({@link java.nio.file.NoSuchFileException} when it does not exist)
     * @throws Trt4jException when there is no host memory for it or it was cut short while being read
     */
    static PlanBytes read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            Pointer memory = Pointer.malloc(Math.max(1, size));
            if (memory == null || memory.isNull()) {
                throw new Trt4jException(file + ": no host memory to read its " + size + " bytes");
            }
            try {
                // a window starts at its own address: asByteBuffer() covers [address, address + limit) with the
                // position set inside, and clips that to 2 GiB, so an offset kept in position() would fail past it
                String digest = StreamedFile.read(file, channel, size, (offset, length) -> {
                    BytePointer window = new BytePointer(memory).getPointer(offset);
                    return window.capacity(length).asByteBuffer();
                }, StreamedFile.CHUNK);
                return new PlanBytes(memory, size, digest);
            } catch (IOException | RuntimeException | Error e) {
                Pointer.free(memory);
                throw e;
            }
        }
    }

    /** The bytes, valid until {@link #close()}. */
    Pointer pointer() {
        if (closed) {
            throw new IllegalStateException("PlanBytes is closed");
        }
        return memory;
    }

    long size() {
        return size;
    }

    /** SHA-256 of the bytes, lower-case hex: what tells one plan from another ({@link PlanCache}). */
    String digest() {
        return digest;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Pointer.free(memory);
        }
    }
}
