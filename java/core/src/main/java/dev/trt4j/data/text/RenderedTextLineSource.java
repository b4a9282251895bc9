package dev.trt4j.data.text;

import dev.trt4j.Counts;
import dev.trt4j.data.BatchingSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.data.image.ImagePreprocessing;
import dev.trt4j.data.image.ImagePreprocessor;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Sentences rendered into text-line images by a {@link TextLineRenderer} and preprocessed for an OCR model with
 * one float32 image input (PP-OCR preprocessing unless the options give another). With
 * {@link DataOptions#rotateHalf()}, exactly half of the lines (chosen with the seed) are turned by 180°, for a
 * text-direction classifier. The text and the angle of every sample are known up front, in delivery order, so
 * that a model's accuracy can be measured on the same batches.
 */
public final class RenderedTextLineSource extends BatchingSource implements KnownLines {
    /** Label of an upright line. */
    public static final int UPRIGHT = 0;
    /** Label of a line turned by 180°. */
    public static final int UPSIDE_DOWN = 180;
    /** Line length in characters that {@link #splitLongLines} is used with for text files. */
    public static final int DEFAULT_MAX_LINE_CHARS = 40;

    private final String name;
    private final List<String> texts;
    private final List<Integer> labels;
    private final boolean rotates;
    private final TextLineRenderer renderer;
    private final TensorSpec input;
    private final ImagePreprocessor preprocessor;

    /**
     * Renders {@code sentences} with the default renderer; {@code name} names them in messages (e.g. a file or
     * {@code "bundled sentences"}).
     *
     * @throws dev.trt4j.Trt4jException if the model does not have a single 3-channel float32 image input whose
     *                                  size can be settled
     */
    public RenderedTextLineSource(List<String> sentences, String name, List<TensorSpec> modelInputs,
                                  DataOptions options) {
        this(sentences, name, new TextLineRenderer(), modelInputs, options);
    }

    /** As {@link #RenderedTextLineSource(List, String, List, DataOptions)} with a given renderer. */
    public RenderedTextLineSource(List<String> sentences, String name, TextLineRenderer renderer,
                                  List<TensorSpec> modelInputs, DataOptions options) {
        this(sentences, name, renderer, new ShapeResolver(name, modelInputs, options), options);
    }

    private RenderedTextLineSource(List<String> sentences, String name, TextLineRenderer renderer,
                                   ShapeResolver shapes, DataOptions options) {
        super(shapes, sentences.size(), plan(shapes, sentences.size(), requireNoSkip(options, "rendered text lines")),
                options);
        int n = Math.toIntExact(sampleCount().orElseThrow());
        this.name = name;
        this.texts = List.copyOf(sentences.subList(0, n));
        this.labels = labels(n, options.rotateHalf(), options.seed());
        this.rotates = options.rotateHalf();
        this.renderer = renderer;
        this.input = shapes.onlyInput("rendered text-line");
        ImagePreprocessing p = options.imagePreprocessing() != null ? options.imagePreprocessing()
                : ImagePreprocessing.ppOcrClassifier();
        this.preprocessor = ImagePreprocessor.forInput(p, input, shapes);
    }

    private static List<Integer> labels(int n, boolean rotateHalf, long seed) {
        List<Integer> labels = new ArrayList<>(Collections.nCopies(n, UPRIGHT));
        if (rotateHalf) {
            for (int i = 0; i < n / 2; i++) {
                labels.set(i, UPSIDE_DOWN);
            }
            Collections.shuffle(labels, new Random(seed));
        }
        return List.copyOf(labels);
    }

    /**
     * Splits sentences longer than {@code maxChars} at spaces into consecutive lines of at most {@code maxChars}
     * characters, so that lines have the aspect ratios a text detector's crops have. PP-OCR's classifier squeezes
     * every line into 192×48, and squeezed whole sentences become unreadable. A word longer than that (a URL, or a
     * sentence in a script written without spaces, such as Chinese) is cut every {@code maxChars} characters.
     */
    public static List<String> splitLongLines(List<String> sentences, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be positive, got " + maxChars);
        }
        List<String> lines = new ArrayList<>();
        for (String sentence : sentences) {
            StringBuilder line = new StringBuilder();
            for (String whole : sentence.strip().split("\\s+")) {
                for (String word : pieces(whole, maxChars)) {
                    if (line.length() > 0 && line.length() + 1 + word.length() > maxChars) {
                        lines.add(line.toString());
                        line.setLength(0);
                    }
                    line.append(line.length() > 0 ? " " : "").append(word);
                }
            }
            if (line.length() > 0) {
                lines.add(line.toString());
            }
        }
        return lines;
    }

    /** {@code word} cut into pieces of at most {@code maxChars} code points. */
    private static List<String> pieces(String word, int maxChars) {
        if (word.codePointCount(0, word.length()) <= maxChars) {
            return List.of(word);
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.offsetByCodePoints(start, Math.min(maxChars, word.codePointCount(start, word.length())));
            pieces.add(word.substring(start, end));
            start = end;
        }
        return pieces;
    }

    /** The sentence of every sample, in delivery order. */
    @Override
    public List<String> texts() {
        return texts;
    }

    /** Whether half of the lines are turned (a direction classifier's samples), which the seed picks. */
    public boolean rotates() {
        return rotates;
    }

    /** The angle of every sample, {@link #UPRIGHT} or {@link #UPSIDE_DOWN}, in delivery order. */
    @Override
    public List<Integer> labels() {
        return labels;
    }

    /** The preprocessing in use, with its size settled. */
    public ImagePreprocessing preprocessing() {
        return preprocessor.preprocessing();
    }

    @Override
    protected Map<String, HostTensor> readBatch(long first, int count) {
        return Map.of(input.name(), preprocessor.batch(count, i -> {
            int sample = (int) first + i;
            return renderer.render(texts.get(sample), labels.get(sample) == UPSIDE_DOWN);
        }));
    }

    @Override
    public String describe() {
        long rotated = labels.stream().filter(l -> l == UPSIDE_DOWN).count();
        return "rendered-lines:" + name + " (" + counted("line", "lines", rotated + " rotated, "
                + preprocessing().height() + "x" + preprocessing().width()) + ")";
    }
}
