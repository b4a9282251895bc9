package dev.trt4j.data.text;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.DataFiles;
import dev.trt4j.io.ReadFailure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads sentences, one per non-blank line, from a UTF-8 {@code .txt} file or a folder of them (in name order). */
public final class SentenceFiles {
    /**
     * A line that starts with one file name of a kind trt4j reads as data: alone (a calibration list) or followed by
     * a label after white space (PaddleOCR's {@code rec_gt.txt}); a sentence does not start so.
     */
    private static final Pattern FILE_NAME = Pattern.compile(
            "\\S+\\.(?i:png|jpe?g|bmp|gif|tiff?|webp|heic|heif|avif|npy|npz|raw|bin|wav)(\\s.*)?");

    private SentenceFiles() {
    }

    /** Whether {@code line} starts with a data file's name, as a calibration list's or a label file's lines do. */
    public static boolean startsWithDataFileName(String line) {
        return FILE_NAME.matcher(line).matches();
    }

    /**
     * The sentences of {@code path}, stripped, blank lines skipped.
     *
     * @throws Trt4jException if the path is missing, not UTF-8, or holds no sentences
     */
    public static List<String> read(Path path) {
        List<String> sentences = new ArrayList<>();
        for (Path file : DataFiles.list(path, Set.of("txt"))) {
            try {
                sentences.addAll(lines(Files.readString(file)));
            } catch (CharacterCodingException e) {
                throw new Trt4jException(file + ": not UTF-8 text" + firstBadByte(file), e);
            } catch (IOException e) {
                throw ReadFailure.of(file, e);
            }
        }
        if (sentences.isEmpty()) {
            throw new Trt4jException(path + ": no sentences (every line is blank)");
        }
        if (sentences.stream().allMatch(line -> FILE_NAME.matcher(line).matches())) {
            // a calibration list (TensorRT's samples read one) or a label file: its lines would be drawn as pictures
            // of file names
            throw new Trt4jException(path + ": every line starts with a data file's name (" + sentences.get(0)
                    + (sentences.size() > 1 ? ", …" : "") + "), as a list of samples or of labels does, not a sentence; "
                    + "trt4j reads the files themselves: give --data the folder that holds them (copy or link the "
                    + "listed files into one); a label file of PATH<TAB>LABEL lines is read with its labels when given "
                    + "as --data itself, for an image model");
        }
        return sentences;
    }

    /** Where {@code file} first stops being UTF-8, as {@code " (byte 0xE9 at offset 12, line 2)"}; empty if unknown. */
    private static String firstBadByte(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
            ByteBuffer in = ByteBuffer.wrap(bytes);
            CharBuffer out = CharBuffer.allocate(bytes.length + 1);
            CoderResult result = decoder.decode(in, out, true);
            if (!result.isError()) {
                return "";
            }
            int at = in.position();
            long line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            // Locale.ROOT: under ar_EG the default locale's %d gives Arabic-Indic digits, which no editor's "go to" takes
            return String.format(Locale.ROOT, " (byte 0x%02X at offset %d, line %d)", bytes[at] & 0xFF, at, line);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static List<String> lines(String text) {
        // a byte order mark is no text: a line holding only one (an editor's BOM before a blank first line) is blank
        return text.lines().map(line -> line.replace("\uFEFF", "").strip()).filter(SentenceFiles::holdsText).toList();
    }

    /**
     * Whether a line holds something to read: a line of only no-break spaces or zero-width characters looks blank,
     * and the tokenizer makes it an empty sample, which is no sentence.
     */
    private static boolean holdsText(String line) {
        return line.codePoints().anyMatch(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c)
                && Character.getType(c) != Character.FORMAT);
    }
}
