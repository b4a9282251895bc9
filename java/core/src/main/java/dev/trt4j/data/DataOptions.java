package dev.trt4j.data;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.engine.ShapeSpecParser;
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
 * @param skipSamples         samples of a file or folder passed over before the first one read (the calibration
 *                            samples, when the ones after them are held out for evaluation); 0 = none
 * @param textLengthIsAtMost  text cut after its longest sentence even where a fixed shape gives the length, which
 *                            then is the most a batch keeps: for trt4j's range pass in an engine build, whose batches
 *                            need not have the engine's calibration shapes, so that its ranges are calibrate's
 * @param textDetector        the model is a text detector ({@link dev.trt4j.data.text.OcrModelRole#TEXT_DETECTOR}):
 *                            data of any kind is refused when it opens at image sides the model cannot take (see
 *                            {@link dev.trt4j.data.text.DetectorSides}), not deep in ONNX Runtime
 * @param samplesOption       the option that set {@code maxSamples}, e.g. {@code --samples}: where the data holds
 *                            more samples than that, its description names the option with its 0 for all, so that
 *                            the limit is not taken for the data's size; null = none (a count trt4j chose)
 * @param part                where the samples given are a part cut from larger data (a split's calibration or
 *                            held-out sentences), that data's count and where the part starts, for the description
 *                            only; null = the samples given are the data
 */
public record DataOptions(int batchSize, long maxSamples, Map<String, long[]> fixedShapes, long seed,
                          ImagePreprocessing imagePreprocessing, Path tokenizer, int sequenceLength,
                          SyntheticSource.Distribution distribution, int vocabSize, boolean rotateHalf,
                          boolean renderPages, int audioHop, long skipSamples, boolean textLengthIsAtMost,
                          boolean textDetector, String samplesOption, Part part) {
    /** Samples per batch when {@code batchSize} is 0 and neither the model nor a fixed shape sets the batch. */
    public static final int DEFAULT_BATCH_SIZE = 8;
    /** Samples of synthetic data when {@code maxSamples} is 0. */
    public static final int DEFAULT_SYNTHETIC_SAMPLES = 32;
    /** Tokens per text sample when {@code sequenceLength} is 0 and neither the model nor a fixed shape sets it. */
    public static final int DEFAULT_SEQUENCE_LENGTH = 128;

    /**
     * Checks the options and copies the fixed shapes; {@link #builder()} is the usual way to make them.
     *
     * @param batchSize          samples per batch, 0 for automatic
     * @param maxSamples         samples to read at most, 0 for all
     * @param fixedShapes        calibration shapes by input name; not null (copied, unmodifiable)
     * @param seed               seed for everything random
     * @param imagePreprocessing for image data, or null for the source's default
     * @param tokenizer          a {@code tokenizer.json} or a folder holding one, or null
     * @param sequenceLength     tokens per text sample, 0 for automatic
     * @param distribution       distribution of synthetic float data; not null
     * @param vocabSize          bound of synthetic integer data, 0 for 10
     * @param rotateHalf         rotate half of the rendered text lines by 180°
     * @param renderPages        render sentences as pages of lines instead of one line per sample
     * @param audioHop           audio samples from one window's start to the next, 0 for the window length
     * @param skipSamples        samples passed over before the first one read, 0 for none
     * @param textLengthIsAtMost a fixed shape's text length is the most a batch keeps, not its length
     * @param textDetector       the model is a text detector, whose open image sides data is held to
     * @param samplesOption      the option that set {@code maxSamples}, or null
     * @param part               the larger data the samples were cut from, or null
     * @throws IllegalArgumentException if {@code batchSize}, {@code maxSamples}, {@code sequenceLength},
     *                                  {@code vocabSize}, {@code audioHop} or {@code skipSamples} is negative
     * @throws NullPointerException     if {@code distribution} or {@code fixedShapes} (or one of its shapes) is null
     */
    public DataOptions {
        requireNotNegative("batch size", batchSize);
        requireNotNegative("max samples", maxSamples);
        requireNotNegative("sequence length", sequenceLength);
        requireNotNegative("vocab size", vocabSize);
        requireNotNegative("audio hop", audioHop);
        requireNotNegative("skipped samples", skipSamples);
        Objects.requireNonNull(distribution, "distribution");
        Map<String, long[]> copy = new LinkedHashMap<>();
        fixedShapes.forEach((name, dims) -> copy.put(name, dims.clone()));
        fixedShapes = Collections.unmodifiableMap(copy);
    }

    private static void requireNotNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative, got " + value);
        }
    }

    /**
     * Samples cut from larger data before a source gets them, as a split cuts sentences, for descriptions: the data
     * held {@code held} samples and the part starts after the first {@code start}.
     */
    public record Part(long held, long start) {
        /** @throws IllegalArgumentException if either count is negative */
        public Part {
            requireNotNegative("held samples", held);
            requireNotNegative("part start", start);
        }
    }

    /** {@return all defaults: automatic batch size, all samples, no fixed shapes, seed 0} */
    public static DataOptions defaults() {
        return builder().build();
    }

    /** {@return a builder holding the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from these options} */
    public Builder toBuilder() {
        Builder b = new Builder().batchSize(batchSize).seed(seed)
                .imagePreprocessing(imagePreprocessing).tokenizer(tokenizer).sequenceLength(sequenceLength)
                .distribution(distribution).vocabSize(vocabSize).rotateHalf(rotateHalf)
                .renderPages(renderPages).audioHop(audioHop).skipSamples(skipSamples)
                .textLengthIsAtMost(textLengthIsAtMost).textDetector(textDetector)
                .maxSamples(maxSamples, samplesOption).part(part);
        b.fixedShapes.putAll(fixedShapes);
        return b;
    }

    /**
     * {@return the user's fixed shape for an input (a copy), or null}
     *
     * @param inputName a model input's name
     */
    public long[] fixedShape(String inputName) {
        long[] dims = fixedShapes.get(inputName);
        return dims == null ? null : dims.clone();
    }

    /**
     * Parses fixed shapes such as {@code x:1x3x48x192} or, for several inputs,
     * {@code input_ids:8x128,attention_mask:8x128}. The name is everything before the last {@code :}.
     *
     * @param text comma-separated {@code NAME:D0xD1x...} entries; every dimension a positive integer
     * @return the shapes by input name, in the order given (a new, modifiable map)
     * @throws Trt4jException naming the bad entry and the expected form, or an input given twice
     */
    public static LinkedHashMap<String, long[]> parseFixedShapes(String text) {
        return new LinkedHashMap<>(ShapeSpecParser.parseSizes("fixed shapes", text));
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
        private long skipSamples;
        private boolean textLengthIsAtMost;
        private boolean textDetector;
        private String samplesOption;
        private Part part;

        private Builder() {
        }

        /**
         * {@return this builder, with the batch size set}
         *
         * @param value samples per batch; 0 (the default) for automatic, see {@link DataOptions#batchSize()}
         */
        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        /**
         * {@return this builder, with the sample limit set}
         *
         * @param value samples to read at most; 0 (the default) for all, or
         *              {@value DataOptions#DEFAULT_SYNTHETIC_SAMPLES} of synthetic data
         */
        public Builder maxSamples(long value) {
            return maxSamples(value, null);
        }

        /**
         * {@return this builder, with the sample limit set by a user's option}: where the data holds more samples,
         * its description names {@code option} and its 0 for all ({@code --samples 0 for all}).
         *
         * @param value  samples to read at most, as {@link #maxSamples(long)} takes them
         * @param option the option that gave {@code value}, e.g. {@code --samples}; null for none
         */
        public Builder maxSamples(long value, String option) {
            maxSamples = value;
            samplesOption = option;
            return this;
        }

        /**
         * {@return this builder, with the samples to be given described as a part of larger data}: a split's
         * sentences are cut from the data before a source gets them, which would otherwise count the part alone.
         *
         * @param value the data's count and where the part starts, or null for none
         */
        public Builder part(Part value) {
            part = value;
            return this;
        }

        /**
         * Fixes the calibration shape of one input (batch dimension included), replacing an earlier one.
         *
         * @param inputName the model input's name
         * @param dims      the shape (copied), e.g. {@code 8, 3, 48, 192}; every dimension at least 1, as in the
         *                  text form
         * @return this builder
         * @throws IllegalArgumentException naming the input and the dimension, for one below 1
         */
        public Builder fixedShape(String inputName, long... dims) {
            Objects.requireNonNull(inputName, "inputName");
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] < 1) {
                    throw new IllegalArgumentException("fixed shape of input '" + inputName + "': dimension " + i
                            + " is " + dims[i] + "; every dimension must be at least 1");
                }
            }
            fixedShapes.put(inputName, dims.clone());
            return this;
        }

        /**
         * Adds shapes in the text form of {@link #parseFixedShapes(String)}, replacing earlier ones for the same
         * inputs.
         *
         * @param text e.g. {@code input_ids:8x128,attention_mask:8x128}
         * @return this builder
         * @throws Trt4jException naming the bad entry and the expected form
         */
        public Builder fixedShapes(String text) {
            fixedShapes.putAll(parseFixedShapes(text));
            return this;
        }

        /**
         * {@return this builder, with the seed set}
         *
         * @param value seed for everything random; 0 by default
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * {@return this builder, with the image preprocessing set}
         *
         * @param value how images are turned into tensors; null (the default) for the source's default
         */
        public Builder imagePreprocessing(ImagePreprocessing value) {
            imagePreprocessing = value;
            return this;
        }

        /**
         * {@return this builder, with the tokenizer set}
         *
         * @param value a {@code tokenizer.json} or a folder holding one; null (the default) for none
         */
        public Builder tokenizer(Path value) {
            tokenizer = value;
            return this;
        }

        /**
         * {@return this builder, with the text sequence length set}
         *
         * @param value tokens per text sample; 0 (the default) for the model's or fixed shape's, else
         *              {@value DataOptions#DEFAULT_SEQUENCE_LENGTH}
         */
        public Builder sequenceLength(int value) {
            sequenceLength = value;
            return this;
        }

        /**
         * {@return this builder, with the synthetic float distribution set}
         *
         * @param value {@code UNIFORM} on [0, 1) (the default) or standard {@code NORMAL}; not null
         */
        public Builder distribution(SyntheticSource.Distribution value) {
            distribution = value;
            return this;
        }

        /**
         * {@return this builder, with the synthetic integer bound set}
         *
         * @param value synthetic integer data is drawn from {@code [0, value)}; 0 (the default) for {@code [0, 10)}
         */
        public Builder vocabSize(int value) {
            vocabSize = value;
            return this;
        }

        /**
         * {@return this builder, with text-line rotation set}
         *
         * @param value true to rotate half of the rendered text lines by 180°; false by default
         */
        public Builder rotateHalf(boolean value) {
            rotateHalf = value;
            return this;
        }

        /**
         * {@return this builder, with page rendering set}
         *
         * @param value true to render sentences as pages of lines (for a text detector); false by default
         */
        public Builder renderPages(boolean value) {
            renderPages = value;
            return this;
        }

        /**
         * {@return this builder, with the audio hop set}
         *
         * @param value audio samples from one window's start to the next ({@code .wav} data only); 0 (the default)
         *              for the window length
         */
        public Builder audioHop(int value) {
            audioHop = value;
            return this;
        }

        /**
         * {@return this builder, with the samples to pass over set}
         *
         * @param value samples of a file or folder passed over before the first one read; 0 (the default) for none
         */
        public Builder skipSamples(long value) {
            skipSamples = value;
            return this;
        }

        /**
         * {@return this builder, with a fixed shape's text length made the most a batch keeps}
         *
         * @param value true where text may be cut below a fixed shape's length, after its longest sentence, as it is
         *              where the length is open; false (the default) where every batch has the fixed shape
         */
        public Builder textLengthIsAtMost(boolean value) {
            textLengthIsAtMost = value;
            return this;
        }

        /**
         * {@return this builder, with the model marked a text detector}
         *
         * @param value true where the model is a text detector, whose open image sides data of any kind must give
         *              as multiples of 32; false (the default) for any other model
         */
        public Builder textDetector(boolean value) {
            textDetector = value;
            return this;
        }

        /**
         * {@return the options}
         *
         * @throws IllegalArgumentException if a count, length, size or hop is negative
         * @throws NullPointerException     if the distribution was set to null
         */
        public DataOptions build() {
            return new DataOptions(batchSize, maxSamples, fixedShapes, seed, imagePreprocessing, tokenizer,
                    sequenceLength, distribution, vocabSize, rotateHalf, renderPages, audioHop, skipSamples,
                    textLengthIsAtMost, textDetector, samplesOption, part);
        }
    }
}
