package dev.trt4j.data.npy;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.ReadFailure;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes single arrays in the NumPy {@code .npy} format. */
public final class NpyFile {
    private NpyFile() {
    }

    /**
     * Reads a whole {@code .npy} file into memory.
     *
     * @throws Trt4jException naming the file on a missing file, bad magic, unsupported dtype or truncated data
     */
    public static NpyArray read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return new NpyRowReader(in, file.toString(), Files.size(file)).readAll();
        } catch (NoSuchFileException e) {
            throw new Trt4jException(file + ": no such file", e);
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
    }

    /** Writes {@code array} to {@code file} atomically, as a version 1 little-endian {@code .npy}. */
    public static void write(Path file, NpyArray array) {
        AtomicFiles.write(file, out -> writeTo(out, array));
    }

    /** Reads one array (header and data) from {@code in}, which stays open; {@code source} names it in errors. */
    public static NpyArray readFrom(InputStream in, String source) {
        return new NpyRowReader(in, source).readAll();
    }

    /**
     * Writes one array (header and data) to {@code out}, which stays open.
     *
     * @throws IOException if writing to {@code out} fails
     */
    public static void writeTo(OutputStream out, NpyArray array) throws IOException {
        out.write(new NpyHeader(array.dtype(), ByteOrder.LITTLE_ENDIAN, array.shape()).encode());
        var data = array.data();
        byte[] chunk = new byte[Math.min(data.remaining(), 1 << 16)];
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            data.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }
}
