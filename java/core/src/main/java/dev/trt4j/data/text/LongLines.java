package dev.trt4j.data.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text lines far longer than a sequence length's worth of tokens before they reach the tokenizer. The tokenizer
 * (Rust, through DJL) reads every character of a line before it truncates to the sequence length: four lines of
 * 12 MB took 25 s and 4.4 GB of native memory, which -Xmx does not bound, for 4 samples of 128 tokens, and a
 * tokenizer's own regular expressions run on all of it, in native code whose failures abort the JVM. The cut bounds
 * that work by the sequence length; it cannot help a regular expression that fails on a short line (a nested
 * repetition such as {@code (a|aa)+$} gives up after 35 characters).
 *
 * <p>The cut does not change the tokens kept. Ordinary tokenizers (WordPiece, BPE, Unigram behind their whitespace
 * and punctuation pre-tokenizers) make every token of at most one word, and a word of text has well under 16
 * characters (English averages five): {@code L} tokens come from the first 16·{@code L} characters at most. A line is
 * cut no earlier than 32·{@code L} characters (at the last white space between half the bound and the bound, so no
 * word is split; at the bound itself only where none lies there), so the first {@code L} tokens, all that truncation
 * keeps, lie well inside what is kept. A line whose words average more than that (a base64 blob, a hash list) is no
 * sentence; its tokens may differ, and the warning says how many lines were cut.
 */
final class LongLines {
    /** Characters a kept line holds per token of the sequence length. */
    static final int CHARACTERS_PER_TOKEN = 64;
    /** The fewest characters a kept line holds, whatever the sequence length. */
    static final int MIN_CHARACTERS = 8 * 1024;

    private LongLines() {
    }

    /** The longest line kept whole for a sequence length of {@code tokens}. */
    static int bound(int tokens) {
        return (int) Math.min(Integer.MAX_VALUE - 1, Math.max(MIN_CHARACTERS, (long) CHARACTERS_PER_TOKEN * tokens));
    }

    /**
     * {@code lines} with each longer than {@link #bound} cut: at the last white space between half the bound and the
     * bound, or at the bound where there is none (never inside a surrogate pair).
     *
     * @return the lines, and how many were cut
     */
    static Result cut(List<String> lines, int tokens) {
        int bound = bound(tokens);
        List<String> kept = new ArrayList<>(lines.size());
        int cut = 0;
        for (String line : lines) {
            if (line.length() <= bound) {
                kept.add(line);
                continue;
            }
            kept.add(line.substring(0, cutAt(line, bound)).strip());
            cut++;
        }
        return new Result(cut == 0 ? lines : kept, cut, bound);
    }

    private static int cutAt(String line, int bound) {
        for (int i = bound; i > bound / 2; i--) {
            if (Character.isWhitespace(line.charAt(i))) {
                return i;
            }
        }
        return Character.isHighSurrogate(line.charAt(bound - 1)) ? bound - 1 : bound;
    }

    /**
     * @param lines the lines, those past the bound cut
     * @param cut   how many were cut
     * @param bound the longest line kept whole, in characters
     */
    record Result(List<String> lines, int cut, int bound) {
    }
}
