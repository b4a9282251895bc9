package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.table.Provenance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses a file that cannot be a TensorRT engine before export-triton copies it into a model repository, where
 * Triton would only fail when it loads it, or bench hands it to TensorRT (or, on a machine without a GPU, reports
 * the missing GPU instead of the wrong file). Whether the bytes deserialize only TensorRT can say; these checks need
 * no GPU: the file exists and is not a folder, is not empty, is not an ONNX model or text, and still has the
 * SHA-256 its sidecar recorded when trt4j build wrote it.
 */
final class EngineFileCheck {
    /**
     * How many leading bytes are searched for a zero byte. A serialized engine starts with a binary header whose
     * integer fields (format version, size) always hold zero bytes there; text never does.
     */
    private static final int HEADER_BYTES = 64;

    private EngineFileCheck() {
    }

    /**
     * Checks the file itself; called before its sidecar is read, since a folder or a model has none.
     *
     * @throws Trt4jException naming the file and why it is no engine
     */
    static void check(Path engine) {
        if (Files.isDirectory(engine)) {
            throw new Trt4jException(engine + ": a folder, not an engine file; give the engine files in it");
        }
        if (!Files.isRegularFile(engine)) {
            throw new Trt4jException(engine + ": no such engine file");
        }
        if (OnnxSignature.looksLikeModel(engine)) {
            throw new Trt4jException(engine + ": an ONNX model, not a TensorRT engine; build an engine from it "
                    + "with trt4j build");
        }
        byte[] start = start(engine);
        if (start.length == 0) {
            throw new Trt4jException(engine + ": an empty file, not a TensorRT engine");
        }
        if (!containsZero(start)) {
            throw new Trt4jException(engine + ": not a TensorRT engine: " + (looksLikeText(start)
                    ? "it starts like text, not with" : "it does not start with")
                    + " the binary header of a serialized engine");
        }
    }

    /**
     * Checks that {@code engine} is still the file its sidecar describes: its tensors, profile and batch limits
     * are read from the sidecar, and would be another engine's.
     *
     * @param sidecar the engine's sidecar, or null when it has none (nothing to check)
     * @throws Trt4jException when the SHA-256 differs
     */
    static void requireSidecarMatches(Path engine, EngineSidecar sidecar) {
        if (sidecar != null && sidecar.engineSha256() != null
                && !sidecar.engineSha256().equalsIgnoreCase(Provenance.sha256(engine))) {
            throw new Trt4jException(engine + ": not the engine its sidecar " + EngineSidecarFile.pathFor(engine)
                    .getFileName() + " describes (its SHA-256 differs); rebuild it with trt4j build, or delete the "
                    + "stale sidecar");
        }
    }

    private static byte[] start(Path engine) {
        try (InputStream in = Files.newInputStream(engine)) {
            return in.readNBytes(HEADER_BYTES);
        } catch (IOException e) {
            throw ReadFailure.of(engine, e);
        }
    }

    /** UTF-8 without control characters other than tab and line ends; a character cut at the end is allowed. */
    private static boolean looksLikeText(byte[] bytes) {
        CharBuffer chars = CharBuffer.allocate(bytes.length);
        CoderResult r = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes), chars, false);
        if (r.isError()) {
            return false;
        }
        chars.flip();
        return chars.chars().allMatch(c -> c >= 0x20 && c != 0x7f || c == '\t' || c == '\n' || c == '\r');
    }

    private static boolean containsZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }
}
