package dev.trt4j.table;

import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A calibration file of either kind, told apart by its content: a trt4j calibration table (JSON) or a TensorRT
 * calibration cache ({@code TRT-} header). Exactly one of the two fields is set. Every command that reads either
 * kind (or a cache alone, as {@code build --cache}) reads it here, so a file gets the same verdict everywhere.
 *
 * @param path  the file
 * @param table its ranges if it is a table, else null
 * @param cache its scales if it is a cache, else null
 */
public record CalibrationFile(Path path, CalibrationTable table, TensorRtCalibrationCache cache) {

    /**
     * Reads and recognises a file.
     *
     * @throws Trt4jException if it cannot be read, is neither kind, or is a malformed file of its kind
     */
    public static CalibrationFile read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new Trt4jException(path + ": no such file", e);
        } catch (IOException e) {
            throw ReadFailure.of(path, e);
        }
        return parse(path, bytes);
    }

    /**
     * Recognises the bytes of a file already read.
     *
     * @throws Trt4jException if they are not UTF-8 text, are neither kind, or are a malformed file of their kind
     */
    public static CalibrationFile parse(Path path, byte[] bytes) {
        String text;
        try {
            // strict decoding: a binary file (an engine, an .npy) must not be taken for text
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Trt4jException(path + ": not a calibration file (not UTF-8 text)", e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // the byte-order mark some Windows editors write: not part of the content
        }
        String start = text.stripLeading();
        if (start.startsWith("{")) {
            return requireTensors(new CalibrationFile(path, CalibrationTable.fromJson(text, path.toString()), null));
        }
        if (start.startsWith("TRT-")) {
            return requireTensors(new CalibrationFile(path, null, TensorRtCalibrationCache.parse(text,
                    path.toString())));
        }
        throw new Trt4jException(path + ": neither a trt4j calibration table (JSON) nor a TensorRT calibration "
                + "cache (first line like TRT-101501-EntropyCalibration2)");
    }

    /**
     * Refuses a file without ranges: trt4j never writes one (calibrate refuses a model with nothing to calibrate),
     * and converting it gives a cache of only a header, which TensorRT takes as ranges for no tensor at all.
     */
    private static CalibrationFile requireTensors(CalibrationFile file) {
        int tensors = file.isCache() ? file.cache.scaleBitsByTensor().size() : file.table.size();
        if (tensors == 0) {
            throw new Trt4jException(file.path + ": " + (file.isCache() ? "a TensorRT calibration cache with only its "
                    + "header line" : "a calibration table with no tensors") + "; it holds no ranges to use");
        }
        return file;
    }

    /** Whether the file is a TensorRT calibration cache (else a table). */
    public boolean isCache() {
        return cache != null;
    }

    /**
     * The ranges this file holds as a table: a cache's tensors of infinite scale (TensorRT's for a tensor holding
     * -inf) left out and named in a warning on {@code err}, since a table has no infinite range.
     */
    public CalibrationTable asTable(PrintWriter err) {
        if (!isCache()) {
            return table;
        }
        List<String> infinite = cache.infiniteScales();
        if (infinite.size() == cache.scaleBitsByTensor().size()) {
            // as a cache without tensors is refused: a table of none holds no ranges to use
            throw new Trt4jException(path + ": every tensor has an infinite scale (TensorRT's for a tensor holding "
                    + "-inf); it holds no INT8 range to use");
        }
        if (!infinite.isEmpty()) {
            err.println("trt4j: warning: " + path + ": " + Counts.of(infinite.size(), "tensor") + " with an infinite "
                    + "scale (TensorRT's for a tensor holding -inf, such as an attention mask), which no INT8 range "
                    + "fits, left out (first: '" + ControlCharacters.escape(infinite.get(0)) + "')");
            err.flush();
        }
        return cache.toTable(path.getFileName().toString());
    }
}
