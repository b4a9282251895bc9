package dev.trt4j.data.image;

import dev.trt4j.Counts;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.BatchingSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.data.text.KnownLines;
import dev.trt4j.data.text.RenderedTextLineSource;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The images of an {@link ImageLabelFile}, preprocessed as {@link ImageFolderSource} reads images, with their labels
 * known: an OCR model's task metric (exact match and character error rate, or direction accuracy) then scores the
 * user's own labelled lines, not only lines trt4j renders. Only the current batch's images are decoded at a time.
 */
public final class LabelledImageSource extends BatchingSource implements ImageFileSource, KnownLines {
    private final ImageLabelFile labels;
    private final int first;
    private final int count;
    private final TensorSpec input;
    private final ImagePreprocessor preprocessor;

    /**
     * Reads with {@code options.imagePreprocessing()}, or {@link ImagePreprocessing#imageNet()} when that is null.
     *
     * @throws Trt4jException if the model's input is not a 3-channel float image input of a size that can be settled
     */
    public LabelledImageSource(ImageLabelFile labels, List<TensorSpec> modelInputs, DataOptions options) {
        this(labels, new ShapeResolver(labels.file().toString(), modelInputs, options), options);
    }

    private LabelledImageSource(ImageLabelFile labels, ShapeResolver shapes, DataOptions options) {
        super(shapes, labels.images().size(), plan(shapes, labels.images().size(), options), options);
        this.labels = labels;
        this.first = Math.toIntExact(options.skipSamples());
        this.count = Math.toIntExact(sampleCount().orElseThrow());
        this.input = shapes.onlyInput("image");
        this.preprocessor = ImagePreprocessor.forImageFiles(options, input, shapes);
    }

    @Override
    public ImagePreprocessing preprocessing() {
        return preprocessor.preprocessing();
    }

    @Override
    public List<String> texts() {
        return labels.labels().subList(first, first + count);
    }

    /** @throws Trt4jException naming the line of the first label that is not 0 or 180 (the file's fault: exit 1) */
    @Override
    public List<Integer> labels() {
        List<Integer> directions = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            String label = labels.labels().get(i);
            if (!label.equals(String.valueOf(RenderedTextLineSource.UPRIGHT))
                    && !label.equals(String.valueOf(RenderedTextLineSource.UPSIDE_DOWN))) {
                throw new Trt4jException(labels.file() + ": line " + labels.lines().get(i) + "'s label '"
                        + label + "' is no text direction (0 or 180), which a direction classifier's accuracy needs");
            }
            directions.add(Integer.parseInt(label));
        }
        return directions;
    }

    @Override
    protected Map<String, HostTensor> readBatch(long at, int n) {
        List<java.nio.file.Path> images = labels.images();
        return Map.of(input.name(), preprocessor.batch(n, i -> ImageFolderSource.decode(images.get((int) at + i)),
                i -> images.get((int) at + i).toString()));
    }

    /** Reads by index: the images passed over are never decoded. */
    @Override
    protected void skipOver(long at, int n) {
    }

    @Override
    public String describe() {
        return "labelled-images:" + labels.file() + " (" + counted("image", "images", preprocessing().describe())
                + ")";
    }
}
