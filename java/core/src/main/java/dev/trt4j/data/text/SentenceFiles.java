package dev.trt4j.data.text;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.DataFiles;
import dev.trt4j.io.ReadFailure;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads sentences, one per non-blank line, from a UTF-8 {@code .txt} file or a folder of them (in name order). */
public final class SentenceFiles {
    private SentenceFiles() {
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
                throw new Trt4jException(file + ": not UTF-8 text", e);
            } catch (IOException e) {
                throw ReadFailure.of(file, e);
            }
        }
        if (sentences.isEmpty()) {
            throw new Trt4jException(path + ": no sentences (every line is blank)");
        }
        return sentences;
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
