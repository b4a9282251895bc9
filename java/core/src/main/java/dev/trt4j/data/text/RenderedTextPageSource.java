package dev.trt4j.data.text;

import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.BatchingSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.data.image.ImagePreprocessing;
import dev.trt4j.data.image.ImagePreprocessor;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pages of text lines rendered by a {@link TextPageRenderer} at the model's input size and preprocessed for a text
 * detector with one float32 image input (PP-OCR's detector preprocessing unless the options give another). A sample
 * is one page: up to {@link TextPageRenderer#LINES_PER_PAGE} lines, given as one string with a line per
 * {@code '\n'} (see {@link #pages}). The ink box of every line is known up front, in delivery order, so that a
 * detector can be scored on the same batches.
 */
public final class RenderedTextPageSource extends BatchingSource {
    private final String name;
    private final TensorSpec input;
    private final ImagePreprocessor preprocessor;
    private final TextPageRenderer renderer;
    private final List<TextPageRenderer.PageLayout> layouts;

    /**
     * @param pages       page texts, lines separated by {@code '\n'}
     * @param name        names the text in messages (e.g. a file or {@code "bundled sentences"})
     * @param modelInputs the detector's inputs
     * @param options     sizes, preprocessing and the seed that places the lines
     * @throws dev.trt4j.Trt4jException if the model does not have a single 3-channel float32 image input whose
     *                                  size can be settled
     */
    public RenderedTextPageSource(List<String> pages, String name, List<TensorSpec> modelInputs,
                                  DataOptions options) {
        this(pages, name, new ShapeResolver(name, modelInputs, options), options);
    }

    private RenderedTextPageSource(List<String> pages, String name, ShapeResolver shapes, DataOptions options) {
        super(shapes, pages.size(), plan(shapes, pages.size(), requireNoSkip(options, "rendered text pages")),
                options);
        int n = Math.toIntExact(sampleCount().orElseThrow());
        this.name = name;
        this.input = shapes.onlyInput("rendered text-page");
        ImagePreprocessing p = options.imagePreprocessing() != null ? options.imagePreprocessing()
                : ImagePreprocessing.ppOcrDetector();
        this.preprocessor = ImagePreprocessor.forInput(p, input, shapes);
        int height = preprocessor.preprocessing().height();
        int width = preprocessor.preprocessing().width();
        if (height < TextPageRenderer.MIN_HEIGHT || width < TextPageRenderer.MIN_WIDTH) {
            String refusal = name + ": model input '" + input.name() + "' takes " + height + "x" + width
                    + " images; rendered text pages need at least "
                    + DetectorSides.roundUp(TextPageRenderer.MIN_HEIGHT) + "x"
                    + DetectorSides.roundUp(TextPageRenderer.MIN_WIDTH);
            boolean nchw = preprocessor.preprocessing().layout() == ImagePreprocessing.Layout.NCHW;
            boolean modelFixes = height < TextPageRenderer.MIN_HEIGHT && input.dims()[nchw ? 2 : 1] >= 0
                    || width < TextPageRenderer.MIN_WIDTH && input.dims()[nchw ? 3 : 2] >= 0;
            // a size --shapes set is a usage error; one the model fixes no option changes
            throw modelFixes ? new Trt4jException(refusal + ", and the model fixes its size: give images of text "
                    + "with --data instead") : new InvalidOptionException(refusal + " (set the size with --shapes)");
        }
        if (preprocessor.preprocessing().layout() == ImagePreprocessing.Layout.NCHW) {
            DetectorSides.require(name, input, height, width); // PP-OCR's detectors are NCHW, as the check reads
        }
        this.renderer = new TextPageRenderer(height, width);
        List<TextPageRenderer.PageLayout> placed = new ArrayList<>(n);
        for (String page : pages.subList(0, n)) {
            // Seeded by the page's own text, so a page looks the same wherever a split puts it.
            placed.add(renderer.layout(page.lines().toList(), options.seed() * 0x9E3779B97F4A7C15L + page.hashCode()));
        }
        this.layouts = List.copyOf(placed);
    }

    /** Groups lines into page texts of {@link TextPageRenderer#LINES_PER_PAGE} lines (the last may be shorter). */
    public static List<String> pages(List<String> lines) {
        List<String> pages = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += TextPageRenderer.LINES_PER_PAGE) {
            pages.add(String.join("\n", lines.subList(i, Math.min(lines.size(), i + TextPageRenderer.LINES_PER_PAGE))));
        }
        return pages;
    }

    /** The ink box of every line of every sample, in delivery order. */
    public List<List<TextBox>> boxes() {
        return layouts.stream().map(TextPageRenderer.PageLayout::boxes).toList();
    }

    /** The preprocessing in use, with its size settled. */
    public ImagePreprocessing preprocessing() {
        return preprocessor.preprocessing();
    }

    @Override
    protected Map<String, HostTensor> readBatch(long first, int count) {
        return Map.of(input.name(), preprocessor.batch(count, i -> renderer.render(layouts.get((int) first + i))));
    }

    @Override
    public String describe() {
        long lines = layouts.stream().mapToLong(l -> l.lines().size()).sum();
        // the lines of the pages used
        return "rendered-pages:" + name + " (" + counted("page", "pages", Counts.of(lines, "line") + ", "
                + preprocessing().height() + "x" + preprocessing().width()) + ")";
    }
}
