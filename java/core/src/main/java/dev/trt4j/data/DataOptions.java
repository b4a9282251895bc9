package dev.trt4j.data;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.image.ImagePreprocessing;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How calibration data is read and batched. Build with {@link #builder()}; every field has a default.
 *
 * @param batchSize           samples per batch; 0 = automatic: the model's fixed batch dimension, else the first
 *                            dimension of a fixed shape, else {@value #DEFAULT_BATCH_SIZE}
 * @param maxSamples          stop after this many samples; 0 = all (synthetic data:
 *                            {@value #DEFAULT_SYNTHETIC_SAMPLES})
 * @param fixedShapes         the calibration shape of inputs with dynamic dimensions, by input name, batch
 *                            dimension included (e.g. {@code x → [8,3,48,192]})
 * @param seed                seed for everything random (synthetic data, which rendered lines are rotated)
 * @param imagePreprocessing  for image data; null = the source's default (ImageNet for image folders, PP-OCR for
 *                            rendered text lines)
 * @param tokenizer           a {@code tokenizer.json} (or a folder holding one) for text data; null = none
 * @param sequenceLength      tokens per text sample (padded/truncated); 0 = the model's or fixed shape's, else
 *                            {@value #DEFAULT_SEQUENCE_LENGTH}
 * @param distribution        distribution of synthetic float data
 * @param vocabSize           synthetic integer data is drawn from {@code [0, vocabSize)}; 0 = {@code [0, 10)}
 * @param rotateHalf          rendered text lines: rotate half of them by 180° (for a text-direction classifier)
 * @param renderPages         sentences for an image model become pages of lines (for a text detector) instead of
 *                            one line per sample
 * @param audioHop            audio: samples from the start of one window to the next; 0 = the window length (no
 *                            overlap). A shorter hop repeats the end of each window at the start of the next, and
 *                            each file then starts with that many zeros, as a stream that starts in silence
 */
public record DataOptions(int batchSize, long maxSamples, Map<String, long[]> fixedShapes, long seed,
                          ImagePreprocessing imagePreprocessing, Path tokenizer, int sequenceLength,
                          SyntheticSource.Distribution distribution, int vocabSize, boolean rotateHalf,
                          boolean renderPages, int audioHop) {
    public static final int DEFAULT_BATCH_SIZE = 8;
    public static final int DEFAULT_SYNTHETIC_SAMPLES = 32;
    public static final int DEFAULT_SEQUENCE_LENGTH = 128;
    private static final String SHAPE_FORMAT = "expected name:d0xd1x..., e.g. x:1x3x48x192";

    public DataOptions {
        if (batchSize < 0 || maxSamples < 0 || sequenceLength < 0 || vocabSize < 0 || audioHop < 0) {
            throw new IllegalArgumentException("batch size, max samples, sequence length, vocab size and hop must not "
                    + "be negative");
        }
        Objects.requireNonNull(distribution, "distribution");
        Map<String, long[]> copy = new LinkedHashMap<>();
        fixedShapes.forEach((name, dims) -> copy.put(name, dims.clone()));
        fixedShapes = Collections.unmodifiableMap(copy);
    }

    /** All defaults: automatic batch size, all samples, no fixed shapes, seed 0. */
    public static DataOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder().batchSize(batchSize).maxSamples(maxSamples).seed(seed)
                .imagePreprocessing(imagePreprocessing).tokenizer(tokenizer).sequenceLength(sequenceLength)
                .distribution(distribution).vocabSize(vocabSize).rotateHalf(rotateHalf)
                .renderPages(renderPages).audioHop(audioHop);
        b.fixedShapes.putAll(fixedShapes);
        return b;
    }

    /** The user's fixed shape for an input (a copy), or null. */
    public long[] fixedShape(String inputName) {
        long[] dims = fixedShapes.get(inputName);
        return dims == null ? null : dims.clone();
    }

    /**
     * Parses fixed shapes such as {@code x:1x3x48x192} or, for several inputs,
     * {@code input_ids:8x128,attention_mask:8x128}. The name is everything before the last {@code :}.
     *
     * @throws Trt4jException naming the bad entry and the expected form
     */
    public static LinkedHashMap<String, long[]> parseFixedShapes(String text) {
        LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            String e = entry.strip();
            int colon = e.lastIndexOf(':');
            if (colon <= 0 || colon == e.length() - 1) {
                throw new Trt4jException("bad fixed shape '" + e + "': " + SHAPE_FORMAT);
            }
            String name = e.substring(0, colon).strip();
            String[] parts = e.substring(colon + 1).strip().split("[xX]", -1);
            long[] dims = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    dims[i] = Long.parseLong(parts[i].strip());
                } catch (NumberFormatException ex) {
                    dims[i] = 0;
                }
                if (dims[i] < 1) {
                    throw new Trt4jException("bad fixed shape '" + e + "': '" + parts[i].strip()
                            + "' is not a positive integer (" + SHAPE_FORMAT + ")");
                }
            }
            if (shapes.put(name, dims) != null) {
                throw new Trt4jException("bad fixed shapes '" + text + "': input '" + name + "' is given twice");
            }
        }
        return shapes;
    }

    /** Builder for {@link DataOptions}. */
    public static final class Builder {
        private int batchSize;
        private long maxSamples;
        private final Map<String, long[]> fixedShapes = new LinkedHashMap<>();
        private long seed;
        private ImagePreprocessing imagePreprocessing;
        private Path tokenizer;
        private int sequenceLength;
        private SyntheticSource.Distribution distribution = SyntheticSource.Distribution.UNIFORM;
        private int vocabSize;
        private boolean rotateHalf;
        private boolean renderPages;
        private int audioHop;

        private Builder() {
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder maxSamples(long value) {
            maxSamples = value;
            return this;
        }

        /** Fixes the calibration shape of one input (batch dimension included). */
        public Builder fixedShape(String inputName, long... dims) {
            fixedShapes.put(inputName, dims.clone());
            return this;
        }

        /** Adds shapes in the text form of {@link #parseFixedShapes(String)}. */
        public Builder fixedShapes(String text) {
            fixedShapes.putAll(parseFixedShapes(text));
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder imagePreprocessing(ImagePreprocessing value) {
            imagePreprocessing = value;
            return this;
        }

        public Builder tokenizer(Path value) {
            tokenizer = value;
            return this;
        }

        public Builder sequenceLength(int value) {
            sequenceLength = value;
            return this;
        }

        public Builder distribution(SyntheticSource.Distribution value) {
            distribution = value;
            return this;
        }

        public Builder vocabSize(int value) {
            vocabSize = value;
            return this;
        }

        public Builder rotateHalf(boolean value) {
            rotateHalf = value;
            return this;
        }

        public Builder renderPages(boolean value) {
            renderPages = value;
            return this;
        }

        public Builder audioHop(int value) {
            audioHop = value;
            return this;
        }

        public DataOptions build() {
            return new DataOptions(batchSize, maxSamples, fixedShapes, seed, imagePreprocessing, tokenizer,
                    sequenceLength, distribution, vocabSize, rotateHalf, renderPages, audioHop);
        }
    }
}
