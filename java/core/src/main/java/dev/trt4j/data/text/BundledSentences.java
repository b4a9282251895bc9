package dev.trt4j.data.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * 3,000 English sentences (30–160 ASCII characters) from State of the Union addresses 2002–2021, public domain,
 * in a fixed shuffled order: real text for tokenized calibration and for rendering text lines.
 */
public final class BundledSentences {
    /** Class-path location of the sentences, one per line. */
    public static final String RESOURCE = "/dev/trt4j/data/sotu-sentences.txt";

    private BundledSentences() {
    }

    /** All bundled sentences, in file order. */
    public static List<String> load() {
        try (InputStream in = BundledSentences.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return SentenceFiles.lines(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
