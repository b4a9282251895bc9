package dev.trt4j.data;

import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.data.audio.AudioWindowSource;
import dev.trt4j.data.image.ImageFileSource;
import dev.trt4j.data.image.ImageFolderSource;
import dev.trt4j.data.image.ImageLabelFile;
import dev.trt4j.data.image.LabelledImageSource;
import dev.trt4j.data.npy.ArrayShapes;
import dev.trt4j.data.npy.NpySource;
import dev.trt4j.data.npy.NpzSource;
import dev.trt4j.data.text.BundledSentences;
import dev.trt4j.data.text.DetectorSides;
import dev.trt4j.data.text.RenderedTextLineSource;
import dev.trt4j.data.text.RenderedTextPageSource;
import dev.trt4j.data.text.SentenceFiles;
import dev.trt4j.data.text.TextLineRenderer;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.tensor.TensorSpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Picks the calibration data source for a path given by the user:
 * <ul>
 *   <li>none: {@link SyntheticSource};</li>
 *   <li>{@code .npy}: {@link NpySource}; {@code .npz}: {@link NpzSource};</li>
 *   <li>{@code .raw}/{@code .bin}, or a folder of them: {@link RawFloatSource};</li>
 *   <li>{@code .wav}, or a folder of them: {@link AudioWindowSource};</li>
 *   <li>{@code .jpg}/{@code .jpeg}/{@code .png}, or a folder of them: {@link ImageFolderSource};</li>
 *   <li>a {@code .txt} of image paths and labels (PaddleOCR's {@code rec_gt.txt}) for an image model:
 *       {@link LabelledImageSource};</li>
 *   <li>{@code .txt}, or a folder of them: {@link TextSource} when the model has an {@code input_ids} input,
 *       otherwise {@link RenderedTextLineSource} (sentences split into lines of at most
 *       {@value RenderedTextLineSource#DEFAULT_MAX_LINE_CHARS} characters);</li>
 *   <li>a {@code .json} file: a tokenizer, used with the bundled sentences ({@link TextSource}).</li>
 * </ul>
 * Every source checks that the data fits the model inputs and fails with a one-line {@link Trt4jException}
 * naming the file, the input and both shapes.
 */
public final class DataSourceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DataSourceFactory.class);
    private static final Set<String> TEXT = Set.of("txt");

    private DataSourceFactory() {
    }

    /**
     * Opens the data at {@code dataOrNull} (a file or folder; null for synthetic data) for a model with
     * {@code modelInputs}. The caller closes the returned source.
     *
     * @throws Trt4jException if the path is missing or of an unknown kind, or the data does not fit the model
     */
    public static CalibrationDataSource open(Path dataOrNull, List<TensorSpec> modelInputs, DataOptions options) {
        CalibrationDataSource source = openAny(dataOrNull, modelInputs, options);
        if (options.audioHop() != 0 && !(source instanceof AudioWindowSource)) {
            source.close();
            throw hopNotForAudio(options, source.describe());
        }
        if (options.textDetector()) {
            try {
                requireDetectorSides(source, dataOrNull, modelInputs, options);
            } catch (RuntimeException e) {
                source.close();
                throw e;
            }
        }
        return source;
    }

    /**
     * Refuses data of a size a text detector cannot take (see {@link DetectorSides}): images at the size they are
     * resized to, arrays at their own, raw files at their fixed shape. Rendered pages check their own size, after
     * the least size a page is drawn at.
     */
    private static void requireDetectorSides(CalibrationDataSource source, Path data, List<TensorSpec> modelInputs,
                                             DataOptions options) {
        if (modelInputs.size() != 1 || modelInputs.get(0).rank() != 4 || modelInputs.get(0).dims()[1] != 3
                || source instanceof RenderedTextPageSource) {
            return;
        }
        TensorSpec input = modelInputs.get(0);
        String subject = data == null ? source.describe() : data.toString();
        if (source instanceof ImageFileSource images) {
            DetectorSides.require(subject, input, images.preprocessing().height(), images.preprocessing().width());
        } else if (source instanceof NpySource || source instanceof NpzSource) {
            Map<String, long[]> arrays = ArrayShapes.of(data);
            long[] shape = arrays.size() == 1 ? arrays.values().iterator().next() : arrays.get(input.name());
            if (shape != null && shape.length == 4) {
                DetectorSides.requireOfArrays(subject, input, shape[2], shape[3]);
            }
        } else if (options.fixedShape(input.name()) != null) {
            long[] shape = options.fixedShape(input.name());
            DetectorSides.require(subject, input, shape[2], shape[3]);
        }
    }

    private static Trt4jException hopNotForAudio(DataOptions options, String data) {
        return new InvalidOptionException("--hop " + options.audioHop() + ": a hop applies to .wav audio only, not to "
                + data);
    }

    private static CalibrationDataSource openAny(Path dataOrNull, List<TensorSpec> modelInputs, DataOptions options) {
        if (dataOrNull == null) {
            return new SyntheticSource(modelInputs, options);
        }
        Path path = dataOrNull;
        if (Files.isDirectory(path)) {
            return openFolder(path, modelInputs, options);
        }
        if (!Files.isRegularFile(path)) {
            throw new Trt4jException(path + (Files.exists(path) ? ": not a file of samples (a device, pipe or socket); "
                    + "give a file or a folder" : ": no such file or folder"));
        }
        String ext = DataFiles.extension(path);
        if (ext.equals("npy")) {
            return new NpySource(path, modelInputs, options);
        } else if (ext.equals("npz")) {
            return new NpzSource(path, modelInputs, options);
        } else if (RawFloatSource.EXTENSIONS.contains(ext)) {
            return new RawFloatSource(path, modelInputs, options);
        } else if (ImageFolderSource.EXTENSIONS.contains(ext)) {
            return new ImageFolderSource(path, modelInputs, options);
        } else if (AudioWindowSource.EXTENSIONS.contains(ext)) {
            return new AudioWindowSource(path, modelInputs, options);
        } else if (TEXT.contains(ext)) {
            Optional<List<String>> sentences = sentencesOf(path, modelInputs);
            return sentences.isPresent() ? openText(sentences.get(), path.toString(), modelInputs, options)
                    : new LabelledImageSource(ImageLabelFile.read(path), modelInputs, options);
        } else if (isTokenizerAsData(path)) {
            if (!TextSource.readsTokenIds(modelInputs)) {
                throw new Trt4jException(path + ": a .json data file is a tokenizer.json for the bundled sentences, "
                        + "and the model has no input_ids input to tokenize them for; its inputs are "
                        + modelInputs.stream().map(TensorSpec::name).toList());
            }
            return openBundled(BundledSentences.load(), "bundled sentences", modelInputs,
                    options.toBuilder().tokenizer(path).build());
        }
        throw new Trt4jException(path + ": unknown kind of data file (expected .npy, .npz, .raw, .bin, "
                + ImageFolderSource.EXTENSIONS.stream().sorted().map(e -> "." + e).collect(Collectors.joining(", "))
                + ", .wav, .txt, a tokenizer .json, or a folder of images, raw files, audio or text files)");
    }

    /**
     * The sentences of a {@code .txt} file for a model with {@code modelInputs}, or empty where the file is a label
     * file of images ({@link ImageLabelFile}) for an image model. A text model reads sentences, which a tab and a file
     * name may start (a TSV export); an image model given a file with some label lines, too few for a label file,
     * has them drawn as text, with a warning.
     *
     * @throws Trt4jException if the file holds no sentences (a list of file names, or a label file given to a text
     *                        model, named as such)
     */
    public static Optional<List<String>> sentencesOf(Path file, List<TensorSpec> modelInputs) {
        if (TextSource.readsTokenIds(modelInputs)) {
            return Optional.of(sentencesForATextModel(file));
        }
        ImageLabelFile.LineCounts labels = ImageLabelFile.count(file);
        if (labels.labelFile()) {
            return Optional.empty();
        }
        List<String> sentences = SentenceFiles.read(file);
        ImageLabelFile.noteDrawnAsText(file, labels);
        return Optional.of(sentences);
    }

    /** Only a file refused as a list of file names is checked for a label file, to name it as one. */
    private static List<String> sentencesForATextModel(Path file) {
        try {
            return SentenceFiles.read(file);
        } catch (Trt4jException e) {
            if (!Files.isDirectory(file) && ImageLabelFile.count(file).onlyLabelLines()) {
                throw new Trt4jException(file + ": a label file of images (PATH<TAB>LABEL lines), which feeds an image "
                        + "model such as an OCR recognizer; this model reads token ids: give a .txt of sentences", e);
            }
            throw e;
        }
    }

    /** Whether {@code data} is a tokenizer.json given as the data: it stands for the bundled sentences. */
    public static boolean isTokenizerAsData(Path data) {
        return !Files.isDirectory(data) && DataFiles.extension(data).equals("json");
    }

    /**
     * The bundled sentences for {@code modelInputs}: tokenized with {@code options.tokenizer()} for a model with
     * {@code input_ids}, otherwise rendered as text lines (or pages, see {@link DataOptions#renderPages()}).
     */
    public static CalibrationDataSource openBundledSentences(List<TensorSpec> modelInputs, DataOptions options) {
        return openBundled(BundledSentences.load(), "bundled sentences", modelInputs, options);
    }

    /**
     * As {@link #openBundledSentences}, from the second half of the bundled sentences. Calibration without data takes
     * them from the start, and reaches this half only past half of them (1,500 samples), so a model is not
     * judged on the samples its ranges were chosen on.
     */
    public static CalibrationDataSource openHeldOutBundledSentences(List<TensorSpec> modelInputs, DataOptions options) {
        List<String> all = BundledSentences.load();
        // two sentences recur in the second half: held out, they would be samples the ranges were chosen on
        Set<String> first = new java.util.HashSet<>(all.subList(0, all.size() / 2));
        List<String> second = all.subList(all.size() / 2, all.size()).stream().filter(s -> !first.contains(s)).toList();
        return openBundled(second, "bundled sentences, second half", modelInputs, options);
    }

    private static CalibrationDataSource openBundled(List<String> sentences, String name, List<TensorSpec> modelInputs,
                                                     DataOptions options) {
        if (options.audioHop() != 0) {
            throw hopNotForAudio(options, "the bundled sentences");
        }
        List<String> samples = textSamples(sentences, modelInputs, options);
        // only those read: the bundled sentences are trt4j's, whose count is no size of the user's data to report,
        // and a calibration that read them all would reach the half evaluation holds out
        long limit = options.maxSamples();
        return openTextSamples(limit > 0 && samples.size() > limit ? samples.subList(0, (int) limit) : samples, name,
                modelInputs, options);
    }

    /**
     * The samples that {@code sentences} make for a model, one string each: the sentences themselves for a text
     * model ({@code input_ids}); for an image model, lines of readable length, grouped into pages when
     * {@link DataOptions#renderPages()}. {@link #openTextSamples} turns any run of them into a source.
     */
    public static List<String> textSamples(List<String> sentences, List<TensorSpec> modelInputs,
                                           DataOptions options) {
        if (TextSource.readsTokenIds(modelInputs)) {
            return List.copyOf(sentences);
        }
        List<String> lines = RenderedTextLineSource.splitLongLines(sentences,
                RenderedTextLineSource.DEFAULT_MAX_LINE_CHARS);
        return options.renderPages() ? RenderedTextPageSource.pages(lines) : lines;
    }

    /** A source of {@code samples} made by {@link #textSamples}: tokenized, or rendered as lines or pages. */
    public static CalibrationDataSource openTextSamples(List<String> samples, String name,
                                                        List<TensorSpec> modelInputs, DataOptions options) {
        if (TextSource.readsTokenIds(modelInputs)) {
            return new TextSource(samples, name, modelInputs, options);
        }
        TextLineRenderer.requireDrawable(samples, name);
        return options.renderPages() ? new RenderedTextPageSource(samples, name, modelInputs, options)
                : new RenderedTextLineSource(samples, name, modelInputs, options);
    }

    private static CalibrationDataSource openText(List<String> sentences, String name, List<TensorSpec> modelInputs,
                                                  DataOptions options) {
        return openTextSamples(textSamples(sentences, modelInputs, options), name, modelInputs, options);
    }

    private static boolean holdsFolders(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(Files::isDirectory);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean holdsArrays(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(DataSourceFactory::isArrayFile);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The kinds of data files in a folder ("image", "raw", "audio", "text") with their counts, the other files, and
     * the subfolders (not searched).
     */
    private record FolderContents(Map<String, Long> kinds, List<String> leftOut, List<String> arrays,
                                  List<String> subfolders) {
        static FolderContents of(Path folder) {
            Map<String, Long> kinds = new TreeMap<>();
            List<String> leftOut = new ArrayList<>();
            List<String> arrays = new ArrayList<>();
            List<String> subfolders = new ArrayList<>();
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(p -> {
                    String kind = Files.isRegularFile(p) ? kind(DataFiles.extension(p)) : "";
                    if (!kind.isEmpty()) {
                        kinds.merge(kind, 1L, Long::sum);
                    } else if (Files.isDirectory(p)) {
                        subfolders.add(p.getFileName().toString());
                    } else if (Files.isRegularFile(p) && isArrayFile(p)) {
                        arrays.add(p.getFileName().toString());
                    } else {
                        leftOut.add(p.getFileName() + (Files.exists(p) ? "" : " (a link to nothing)"));
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                throw new Trt4jException(folder + ": cannot list: " + reason(e), e);
            }
            return new FolderContents(kinds, leftOut, arrays, subfolders);
        }
    }

    private static boolean isArrayFile(Path file) {
        String extension = DataFiles.extension(file);
        return extension.equals("npy") || extension.equals("npz");
    }

    /**
     * Whether {@link #open} reads {@code folder} as text: it holds {@code .txt} files and no images, raw files or
     * audio (a {@code .txt} beside those is labels or notes, left out).
     */
    public static boolean isTextFolder(Path folder) {
        return FolderContents.of(folder).kinds().keySet().equals(Set.of("text"));
    }

    /** Whether {@code folder} is read as images: it holds images, and besides them at most text (labels, notes). */
    public static boolean isImageFolder(Path folder) {
        Set<String> kinds = FolderContents.of(folder).kinds().keySet();
        return kinds.equals(Set.of("image")) || kinds.equals(Set.of("image", "text"));
    }

    private static CalibrationDataSource openFolder(Path folder, List<TensorSpec> modelInputs, DataOptions options) {
        FolderContents contents = FolderContents.of(folder);
        Map<String, Long> kinds = contents.kinds();
        List<String> leftOut = contents.leftOut();
        if (kinds.isEmpty()) {
            throw new Trt4jException(folder + ": no data files (expected .jpg/.jpeg/.png/.bmp/.gif/.tif images, "
                    + ".raw/.bin files, .wav audio or .txt files)" + (holdsArrays(folder) ? "; .npy and .npz files are "
                    + "read one at a time: give one with --data (an .npy's first dimension counts the samples)" : "")
                    + (holdsFolders(folder) ? "; subfolders are not searched: give one of them, or put the files "
                    + "in one folder" : ""));
        }
        if (!leftOut.isEmpty()) {
            // half a folder of WebP or HEIC photos would otherwise calibrate on the other half without a word
            // file names are anyone's text: escaped, so that one cannot drive the terminal the warning goes to
            DataWarnings.warn(LOG, ControlCharacters.escape(folder.toString()) + ": ignoring "
                    + Counts.of(leftOut.size(), "file") + " that trt4j does not read: "
                    + ControlCharacters.escape(String.join(", ", leftOut.subList(0, Math.min(5, leftOut.size()))))
                    + (leftOut.size() > 5 ? " and " + (leftOut.size() - 5) + " more" : ""));
        }
        if (!contents.arrays().isEmpty()) {
            // trt4j reads these, one file at a time: "does not read" would send the user looking for a converter
            List<String> arrays = contents.arrays();
            DataWarnings.warn(LOG, ControlCharacters.escape(folder.toString()) + ": ignoring "
                    + Counts.of(arrays.size(), "array file") + " ("
                    + ControlCharacters.escape(String.join(", ", arrays.subList(0, Math.min(5, arrays.size()))))
                    + (arrays.size() > 5 ? " and " + (arrays.size() - 5) + " more" : "")
                    + "): an .npy or .npz is read when given as the --data file itself, not from a folder");
        }
        if (!contents.subfolders().isEmpty()) {
            // nested class folders (ImageNet's layout) would otherwise calibrate on the top level's few files alone
            List<String> sub = contents.subfolders();
            DataWarnings.warn(LOG, ControlCharacters.escape(folder.toString()) + ": not reading its "
                    + Counts.of(sub.size(), "subfolder") + " ("
                    + ControlCharacters.escape(String.join(", ", sub.subList(0, Math.min(5, sub.size()))))
                    + (sub.size() > 5 ? " and " + (sub.size() - 5) + " more" : "")
                    + "): trt4j reads the files of the one folder given");
        }
        if (kinds.size() == 2 && kinds.containsKey("text")) {
            // labels or notes beside images, raw files or audio (PaddleOCR's rec_gt.txt, a README.txt)
            DataWarnings.warn(LOG, folder + ": ignoring " + Counts.of(kinds.remove("text"), ".txt file")
                    + " beside the " + kinds.keySet().iterator().next() + " files; give a .txt file itself as --data "
                    + "to use its text (a label file of PATH<TAB>LABEL lines: the images with their labels)");
        }
        if (kinds.size() > 1) {
            throw new Trt4jException(folder + ": mixes " + kinds.entrySet().stream()
                    .map(e -> Counts.of(e.getValue(), e.getKey() + " file")).collect(Collectors.joining(" and "))
                    + "; keep one kind of data per folder");
        }
        return switch (kinds.keySet().iterator().next()) {
            case "image" -> new ImageFolderSource(folder, modelInputs, options);
            case "raw" -> new RawFloatSource(folder, modelInputs, options);
            case "audio" -> new AudioWindowSource(folder, modelInputs, options);
            default -> openText(SentenceFiles.read(folder), folder.toString(), modelInputs, options);
        };
    }

    private static String kind(String extension) {
        if (ImageFolderSource.EXTENSIONS.contains(extension)) {
            return "image";
        } else if (RawFloatSource.EXTENSIONS.contains(extension)) {
            return "raw";
        } else if (AudioWindowSource.EXTENSIONS.contains(extension)) {
            return "audio";
        } else if (TEXT.contains(extension)) {
            return "text";
        }
        return "";
    }

    /** Why listing failed, in the words of every other read error (an unreadable folder's is its bare name). */
    private static String reason(Exception e) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        return cause instanceof java.io.IOException io ? ReadFailure.reason(io) : String.valueOf(cause.getMessage());
    }
}
