package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy (best path) CTC decoding: the best class at every time step, repeats merged, blanks dropped. Classes
 * are laid out as PaddleOCR's recognizers have them: 0 is the blank, 1…N the keys of the keys file, N + 1 a
 * space.
 */
public final class CtcGreedyDecoder {
    private static final int BLANK = 0;

    private final List<String> labels;

    /**
     * @param keys the characters of classes 1…N, in order (a keys file's lines)
     */
    public CtcGreedyDecoder(List<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no keys");
        }
        List<String> l = new ArrayList<>(keys.size() + 2);
        l.add("");
        l.addAll(keys);
        l.add(" ");
        this.labels = List.copyOf(l);
    }

    /**
     * Reads a keys file: UTF-8, one key a line.
     *
     * @throws Trt4jException if it cannot be read or holds no keys
     */
    public static List<String> readKeys(Path file) {
        try {
            return checked(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            throw new Trt4jException(file + ": no such keys file", e);
        } catch (IOException e) {
            throw ReadFailure.of(file, "the keys", e);
        }
    }

    /**
     * Reads keys from a stream (UTF-8, one key a line); {@code name} names it in messages.
     *
     * @throws Trt4jException if it cannot be read or holds no keys
     */
    public static List<String> readKeys(InputStream in, String name) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return checked(r.lines().toList(), name);
        } catch (IOException e) {
            throw new Trt4jException(name + ": cannot read the keys: " + ReadFailure.reason(e), e);
        }
    }

    private static List<String> checked(List<String> keys, String name) {
        if (keys.isEmpty()) {
            throw new Trt4jException(name + ": the keys file is empty");
        }
        return List.copyOf(keys);
    }

    /** Number of classes a model's output must have for these keys: blank, keys, space. */
    public int classCount() {
        return labels.size();
    }

    /**
     * Decodes one sample.
     *
     * @param scores  class scores (probabilities or logits), row-major {@code [steps, classes]} from {@code offset}
     * @param offset  index of the sample's first score
     * @param steps   time steps
     * @param classes scores per step; must equal {@link #classCount()}
     * @throws Trt4jException if {@code classes} does not fit the keys
     */
    public String decode(float[] scores, int offset, int steps, int classes) {
        if (classes != labels.size()) {
            throw new Trt4jException("the recognizer has " + classes + " classes but the keys give "
                    + labels.size() + " (blank + " + (labels.size() - 2) + " keys + space)");
        }
        StringBuilder text = new StringBuilder();
        int previous = BLANK;
        for (int t = 0; t < steps; t++) {
            int best = OutputComparator.argmax(scores, offset + t * classes, classes);
            if (best < 0) {
                best = BLANK; // a step holding NaN reads no character
            }
            if (best != BLANK && best != previous) {
                text.append(labels.get(best));
            }
            previous = best;
        }
        return text.toString();
    }
}
