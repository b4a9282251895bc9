package dev.trt4j.compare;

import dev.trt4j.Counts;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataFiles;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.data.FewerThanOneBatchException;
import dev.trt4j.data.HeldOutSamplesException;
import dev.trt4j.data.RepeatsLeftOut;
import dev.trt4j.data.SyntheticSource;
import dev.trt4j.data.image.ImageContentSet;
import dev.trt4j.data.image.ImageFolderSource;
import dev.trt4j.data.image.ImageLabelFile;
import dev.trt4j.data.image.LabelledImageSource;
import dev.trt4j.data.text.BundledSentences;
import dev.trt4j.data.text.SentenceFiles;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.tensor.TensorSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Calibration samples and held-out evaluation samples drawn from the same data without overlap, so that a
 * quantized model is never judged on the samples its ranges were chosen on. Sentences (the bundled ones, or
 * {@code .txt} files) are split in order: calibration takes the first ones, evaluation the ones after, without those
 * that repeat a calibration sentence; files of samples (images, arrays, raw files, audio) are split in their reading
 * order the same way; synthetic data is evaluated with another seed.
 *
 * <p>Every source returned is new; the caller closes it.
 */
public final class SampleSplit {
    private final Path data;
    private final List<TensorSpec> inputs;
    private final DataOptions options;
    private final List<String> sentences;
    private final String name;

    private SampleSplit(Path data, List<TensorSpec> inputs, DataOptions options, List<String> sentences,
                        String name) {
        this.data = data;
        this.inputs = List.copyOf(inputs);
        this.options = options;
        this.sentences = sentences;
        this.name = name;
    }

    /**
     * The split of {@code dataOrNull} (as {@link DataSourceFactory#open} reads it) for a model with
     * {@code inputs}; with no path, the bundled sentences when {@code bundledSentences}, else synthetic data.
     *
     * @throws Trt4jException if the path does not exist or its sentences cannot be read
     */
    public static SampleSplit of(Path dataOrNull, List<TensorSpec> inputs, DataOptions options,
                                 boolean bundledSentences) {
        Objects.requireNonNull(options, "options");
        if (dataOrNull == null) {
            return bundledSentences ? new SampleSplit(null, inputs, options, DataSourceFactory.textSamples(BundledSentences.load(), inputs, options),
                    "bundled sentences") : new SampleSplit(null, inputs, options, null, "synthetic data");
        }
        if (!Files.exists(dataOrNull)) {
            throw new Trt4jException(dataOrNull + ": no such file or folder");
        }
        String ext = Files.isDirectory(dataOrNull) ? "" : DataFiles.extension(dataOrNull);
        // as DataSourceFactory reads it: a rec_gt.txt beside images is labels, not the samples
        if (Files.isDirectory(dataOrNull) && DataSourceFactory.isTextFolder(dataOrNull)) {
            return new SampleSplit(dataOrNull, inputs, options, DataSourceFactory.textSamples(
                    SentenceFiles.read(dataOrNull), inputs, options), dataOrNull.toString());
        }
        if (ext.equals("txt")) {
            // as DataSourceFactory reads it: sentences, or a label file of images (split as other files are)
            Optional<List<String>> sentences = DataSourceFactory.sentencesOf(dataOrNull, inputs);
            return sentences.map(text -> new SampleSplit(dataOrNull, inputs, options, DataSourceFactory.textSamples(
                    text, inputs, options), dataOrNull.toString()))
                    .orElseGet(() -> new SampleSplit(dataOrNull, inputs, options, null, dataOrNull.toString()));
        }
        if (ext.equals("json")) {
            DataOptions withTokenizer = options.toBuilder().tokenizer(dataOrNull).build();
            return new SampleSplit(dataOrNull, inputs, withTokenizer, BundledSentences.load(), "bundled sentences");
        }
        return new SampleSplit(dataOrNull, inputs, options, null, dataOrNull.toString());
    }

    /** The first {@code samples} samples. */
    public CalibrationDataSource calibration(long samples) {
        requirePositive(samples);
        if (sentences != null) {
            return sentenceSource(0, samples);
        }
        DataOptions first = options.toBuilder().maxSamples(samples).build();
        return data == null ? new SyntheticSource(inputs, first) : DataSourceFactory.open(data, inputs, first);
    }

    /**
     * {@code samples} samples none of which is among the first {@code calibrationSamples} (fewer if the data ends
     * first).
     *
     * @throws Trt4jException if no sample is left after the calibration samples, or the data cannot be split
     */
    public CalibrationDataSource evaluation(long calibrationSamples, long samples) {
        requirePositive(samples);
        if (sentences != null) {
            if (calibrationSamples >= sentences.size()) {
                throw new HeldOutSamplesException(name, sentences.size(), calibrationSamples,
                        "none are left to evaluate on");
            }
            return heldOutSentences(calibrationSamples, samples);
        }
        if (data == null) {
            // Another seed draws other samples from the same distribution.
            return new SyntheticSource(inputs, options.toBuilder().maxSamples(samples)
                    .seed(options.seed() + calibrationSamples + 1).build());
        }
        // the samples after the calibration ones, in the order the source reads them (sorted file names, array rows)
        return DataSourceFactory.open(data, inputs, options.toBuilder().skipSamples(calibrationSamples)
                .maxSamples(samples).build());
    }

    /**
     * Other evaluation sentences, given apart from the calibration data ({@code --eval-data}), without those equal to
     * one of the first {@code calibrationSamples} sentences: a copy of the calibration file, or one that shares
     * lines with it, must not score the samples the ranges were chosen on as held out.
     *
     * @param evalData a {@code .txt} file or a folder of them
     * @param options  how the evaluation samples are read; their {@code maxSamples} counts the sentences kept
     * @return the sentences kept (as a source) and how many were left out; empty where either side is not sentences
     * @throws Trt4jException if every sentence of {@code evalData} repeats a calibration sentence
     */
    public Optional<HeldOut> heldOutText(Path evalData, long calibrationSamples, DataOptions options) {
        boolean text = !Files.isDirectory(evalData) ? DataFiles.extension(evalData).equals("txt")
                && (TextSource.readsTokenIds(inputs) || !ImageLabelFile.looksLike(evalData))
                : DataSourceFactory.isTextFolder(evalData);
        if (sentences == null || !text) {
            return Optional.empty();
        }
        Set<String> calibration = new HashSet<>(sentences.subList(0,
                (int) Math.min(sentences.size(), calibrationSamples)));
        List<String> all = DataSourceFactory.textSamples(SentenceFiles.read(evalData), inputs, options);
        // all of them, the limit left to the source: its description then counts what the file holds past it; only
        // repeats among the lines read up to the limit are left out and counted, as only those would have been scored
        List<String> kept = RepeatsLeftOut.kept(all.size(), i -> calibration.contains(all.get(i)),
                options.maxSamples()).stream().map(all::get).toList();
        int repeated = all.size() - kept.size();
        if (kept.isEmpty()) {
            throw new Trt4jException(evalData + ": every sample repeats one of the " + Counts.of(calibration.size(),
                    "calibration sample") + ", which leaves none to evaluate on; give other samples");
        }
        String partName = evalData + (repeated > 0 ? " without " + Counts.of(repeated, "repeated calibration sample")
                : "");
        return Optional.of(new HeldOut(() -> DataSourceFactory.openTextSamples(kept, partName, inputs, options),
                repeated));
    }

    /**
     * Evaluation images given apart in a label file ({@code --eval-data}), without those among the first
     * {@code calibrationSamples} images of this split's data (a label file, a folder of images or an image):
     * a label file that also lists calibration images must not score them as held out.
     *
     * @param options how the evaluation samples are read; their {@code maxSamples} counts the images kept
     * @return the images kept (as a source) and how many were left out; empty where either side is no such images
     * @throws Trt4jException if every image of {@code evalData} is a calibration image
     */
    public Optional<HeldOut> heldOutImages(Path evalData, long calibrationSamples, DataOptions options) {
        boolean labelFile = isLabelFile(evalData);
        boolean images = !labelFile && isImages(evalData);
        Optional<ImageContentSet> calibration = calibrationImages(calibrationSamples);
        if (calibration.isEmpty() || !labelFile && !images) {
            return Optional.empty();
        }
        if (labelFile) {
            ImageLabelFile all = ImageLabelFile.read(evalData);
            ImageLabelFile kept = all.without(calibration.get(), options.maxSamples());
            requireSomeLeft(evalData, kept.images(), calibration.get());
            return Optional.of(new HeldOut(() -> new LabelledImageSource(kept, inputs, options),
                    all.images().size() - kept.images().size()));
        }
        List<Path> all = DataFiles.list(evalData, ImageFolderSource.EXTENSIONS);
        List<Path> kept = RepeatsLeftOut.kept(all.size(), i -> calibration.get().contains(all.get(i)),
                options.maxSamples()).stream().map(all::get).toList();
        if (kept.size() == all.size()) {
            return Optional.empty(); // read as ever
        }
        requireSomeLeft(evalData, kept, calibration.get());
        return Optional.of(new HeldOut(() -> ImageFolderSource.ofFiles(evalData, kept, inputs, options),
                all.size() - kept.size()));
    }

    /** A folder read as images, or an image file. */
    private static boolean isImages(Path path) {
        return Files.isDirectory(path) ? DataSourceFactory.isImageFolder(path)
                : ImageFolderSource.EXTENSIONS.contains(DataFiles.extension(path));
    }

    private static boolean isLabelFile(Path file) {
        return !Files.isDirectory(file) && DataFiles.extension(file).equals("txt") && ImageLabelFile.looksLike(file);
    }

    /**
     * The first {@code calibrationSamples} images of this split's data, compared by content; empty where the data is no
     * images (a label file, a folder of images or an image).
     */
    private Optional<ImageContentSet> calibrationImages(long calibrationSamples) {
        if (data == null || sentences != null) {
            return Optional.empty();
        }
        List<Path> images;
        if (isLabelFile(data)) {
            images = ImageLabelFile.read(data).images();
        } else if (isImages(data)) {
            images = DataFiles.list(data, ImageFolderSource.EXTENSIONS);
        } else {
            return Optional.empty();
        }
        return Optional.of(ImageContentSet.of(images.stream().limit(calibrationSamples).toList()));
    }

    private static void requireSomeLeft(Path evalData, List<Path> kept, ImageContentSet calibration) {
        if (kept.isEmpty()) {
            throw new Trt4jException(evalData + ": every image is one of the " + Counts.of(calibration.size(),
                    "calibration sample") + ", which leaves none to evaluate on; give other samples");
        }
    }

    /**
     * Evaluation samples given apart from the calibration data: sentences, or the images of a label file.
     *
     * @param samples  opens them (a new source each time)
     * @param repeated how many were left out for repeating a calibration sample
     */
    public record HeldOut(java.util.function.Supplier<CalibrationDataSource> samples, int repeated) {
    }

    /** True when the samples are seeded random data, not real samples. */
    public boolean isSynthetic() {
        return data == null && sentences == null;
    }

    /** The file or folder the samples come from; empty for the bundled sentences and synthetic data. */
    public Optional<Path> path() {
        return Optional.ofNullable(data);
    }

    /** What the data is, for reports. */
    public String describe() {
        return name;
    }

    private CalibrationDataSource sentenceSource(long from, long samples) {
        int start = Math.toIntExact(from);
        int end = (int) Math.min(sentences.size(), from + samples);
        return textSource(sentences.subList(start, end), name + " [" + start + ", " + end + ")", start);
    }

    /**
     * A source of exactly {@code part}, named {@code partName} in reports, which count it as the sentences from
     * {@code start} on of all this split's: as calibrate counts a file it reads the first of, without the option that
     * would read all, since all would leave nothing to hold out. The bundled sentences keep the count read, as
     * calibrate's: theirs is no size of the user's data.
     */
    private CalibrationDataSource textSource(List<String> part, String partName, int start) {
        boolean bundled = data == null || DataFiles.extension(data).equals("json"); // a tokenizer stands for them
        DataOptions all = options.toBuilder().maxSamples(0)
                .part(bundled ? null : new DataOptions.Part(sentences.size(), start)).build();
        return DataSourceFactory.openTextSamples(part, partName, inputs, all);
    }

    /**
     * Up to {@code samples} samples after the first {@code calibrationSamples}, leaving out any equal to one of those:
     * a sentence file may repeat a line (the bundled sentences hold two twice), and a held-out score must not count a
     * sample the ranges were chosen on.
     */
    private CalibrationDataSource heldOutSentences(long calibrationSamples, long samples) {
        int start = Math.toIntExact(calibrationSamples);
        Set<String> calibration = new HashSet<>(sentences.subList(0, start));
        List<String> part = new ArrayList<>();
        int end = start;
        for (; end < sentences.size() && part.size() < samples; end++) {
            if (!calibration.contains(sentences.get(end))) {
                part.add(sentences.get(end));
            }
        }
        if (part.isEmpty()) {
            throw new Trt4jException(name + ": the samples after the first " + calibrationSamples + " repeat "
                    + "calibration samples only, which leaves none to evaluate on");
        }
        try {
            return textSource(part, name + " [" + start + ", " + end + ")" + (part.size() < end - start
                    ? " without " + Counts.of(end - start - part.size(), "repeated calibration sample") : ""), start);
        } catch (FewerThanOneBatchException e) {
            if (part.size() >= samples) {
                throw e; // the evaluation count asked for fewer than a batch; the data holds more
            }
            // the data ran out: say which samples calibration took, as for files
            int repeated = end - start - part.size();
            throw new HeldOutSamplesException(name, sentences.size(), calibrationSamples, e,
                    repeated > 0 ? " (" + Counts.of(repeated, "repeated calibration sample") + " left out)" : "");
        }
    }

    private static void requirePositive(long samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be positive, got " + samples);
        }
    }
}
