package dev.trt4j.cli;

import java.util.function.Supplier;
import dev.trt4j.data.StateNames;
import dev.trt4j.data.SingleInputDataException;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.benchmark.BenchShapes;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.data.DataWarnings;
import dev.trt4j.data.SyntheticSource;
import dev.trt4j.data.image.ImageFileSource;
import dev.trt4j.data.npy.ArrayShapes;
import dev.trt4j.data.text.OcrModelRole;
import dev.trt4j.data.text.RenderedTextLineSource;
import dev.trt4j.data.text.RenderedTextPageSource;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.engine.CalibrationSamples;
import dev.trt4j.engine.ShapeSpecParser;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.PositionTable;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The options that say which samples to feed a model, shared by every command that runs one (a picocli
 * {@code @Mixin}): {@code --data}, {@code --samples}, {@code --batch}, {@code --shapes}, preprocessing,
 * tokenizer, sequence length and seed. A command whose options mean more may word them in its resource bundle (see
 * {@code BuildCommand.properties}).
 */
public final class DataArguments {
    /**
     * Marks a command that takes {@code --shapes} once per optimization profile (build); every other command takes
     * it once, which its help's synopsis shows ({@link ShapesSynopsisHelp}) and {@link #options()} enforces.
     */
    public interface RepeatsShapes {
    }

    private static final Logger LOG = LoggerFactory.getLogger(DataArguments.class);

    @Option(names = "--data", paramLabel = "PATH",
            description = "A folder or file of samples: images (jpg, png, bmp, gif, tif), NumPy arrays (npy: first "
                    + "dim = samples; npz: arrays by input name), raw float32 (raw, bin), audio (wav, cut into windows of the input's "
                    + "length), text (txt, one sentence a line), a label file of images (txt of PATH<TAB>LABEL "
                    + "lines, as PaddleOCR's rec_gt.txt), or a tokenizer json (bundled sentences). Without it: bundled sentences for text models (see "
                    + "--tokenizer) and OCR models (rendered as lines, or as pages for a text detector), else seeded "
                    + "random data.")
    Path data;

    /** What {@link #requestedSequences()} found, once the options are parsed. */
    private Map<String, Long> requestedSequences;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "256",
            description = "Samples to use at most (default ${DEFAULT-VALUE}; 0 = all of --data or of the bundled "
                    + "sentences; seeded random data never runs out, so it needs a count).")
    long samples;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "0",
            description = "Batch size (default 0 = automatic: the model's fixed batch, else the first dimension of "
                    + "--shapes, else 8).")
    int batch;

    @Option(names = "--shapes", paramLabel = "SPEC",
            description = "The samples' shapes where the model leaves dimensions open: name:d0xd1x...[,name2:...], "
                    + "for example x:8x3x48x192.")
    List<String> shapes = new ArrayList<>();

    @Mixin
    ImageArguments image = new ImageArguments();

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json",
            description = "HuggingFace tokenizer for text models (inputs input_ids, attention_mask, token_type_ids).")
    Path tokenizer;

    @Option(names = "--seq-len", paramLabel = "N", defaultValue = "0",
            description = "Tokens per text sample (default 0 = automatic: the fixed shape, else 128).")
    int sequenceLength;

    @Option(names = "--rotate-half",
            description = "Rendered text lines: turn every other line by 180 degrees (data for a text-direction classifier).")
    boolean rotateHalf;

    @Option(names = "--hop", paramLabel = "N", defaultValue = "0",
            description = "Audio: samples from one window's start to the next (default 0 = the window length). A shorter "
                    + "hop repeats the end of each window at the start of the next (Silero VAD: window 576, hop 512).")
    int hop;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed for random data, and for rendered text where it picks something: which lines turn "
                    + "(a direction classifier, --rotate-half) and where lines sit on a page (a detector); default 0.")
    Long seed;

    /**
     * The data options these arguments describe.
     *
     * @throws Trt4jException when {@code --shapes} is given more than once (a data pass runs at one shape)
     */
    public DataOptions options() {
        if (shapes.size() > 1) {
            throw new InvalidOptionException("--shapes is given " + shapes.size() + " times; the samples take one "
                    + "set of shapes");
        }
        DataOptions.Builder b = builder();
        if (!shapes.isEmpty()) {
            ShapeSpecParser.parseSizes("--shapes", shapes.get(0)).forEach(b::fixedShape);
        }
        return build(b);
    }

    /**
     * Checks what can be checked without the model, for a command whose samples are read only after other slow or
     * unavailable work (an engine build reads them once TensorRT asks): negative counts, a {@code --data} path that
     * does not exist, a tokenizer that does not load. A mistake there is then reported as such, first.
     *
     * @throws Trt4jException naming the option or file
     */
    public void requireValid() {
        build(builder());
        if (data != null && !Files.exists(data)) {
            throw new Trt4jException(data + ": no such file or folder");
        }
    }

    /**
     * The warning for ranges taken from fewer samples than an explicit {@code --samples} asked for (the data ran out,
     * or a fixed batch left the last samples out, which its own warning says), if they were.
     *
     * @param parsed the command line, to tell a given {@code --samples} from its default
     * @param used   the samples the statistics came from
     */
    public Optional<String> fewerSamplesThanAsked(ParseResult parsed, long used) {
        return fewerSamplesThanAsked(parsed, used, "the ranges come");
    }

    /**
     * As {@link #fewerSamplesThanAsked(ParseResult, long)}, for what a command other than a calibration takes from
     * the samples.
     *
     * @param what what came from them, with its verb: {@code the comparison's figures come}
     */
    public Optional<String> fewerSamplesThanAsked(ParseResult parsed, long used, String what) {
        if (!parsed.hasMatchedOption("--samples") || samples <= 0 || used >= samples) {
            return Optional.empty();
        }
        return Optional.of("--samples " + samples + ": " + what + " from " + Counts.of(used, "sample"));
    }

    /** The {@code --shapes} values in the order given (an engine build makes one optimization profile of each). */
    public List<String> shapes() {
        return List.copyOf(shapes);
    }

    private DataOptions.Builder builder() {
        requireNotNegative("--samples", samples, "all");
        requireNotNegative("--batch", batch, "automatic");
        requireNotNegative("--seq-len", sequenceLength, "automatic");
        requireNotNegative("--hop", hop, "the window length");
        try {
            DataOptions.Builder b = DataOptions.builder().batchSize(batch).maxSamples(samples, "--samples")
                    .seed(seed == null ? 0 : seed).sequenceLength(sequenceLength).rotateHalf(rotateHalf).audioHop(hop);
            if (image.preset() != null) {
                b.imagePreprocessing(image.preset());
            }
            if (tokenizer != null) {
                b.tokenizer(tokenizer);
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException(e.getMessage(), e);
        }
    }

    /**
     * Refuses a sequence longer than the model's position table (see {@link PositionTable}), before any work: ONNX
     * Runtime would fail deep in the graph with a broadcast error. The sequence is {@code --seq-len}, else the
     * second dimension of {@code input_ids} in each {@code --shapes}. A model without such a table is not limited.
     *
     * @throws InvalidOptionException when the sequence exceeds the table's rows
     */
    public void requireSequenceLengthFits(OnnxModel model) {
        if (!requestedSequences().isEmpty()) {
            requireFits(model.path(), model.proto().getGraph());
        }
    }

    /**
     * As {@link #requireSequenceLengthFits(OnnxModel)}, for a command that has not loaded the model: it is read
     * only when a sequence length is given. A file that does not read as a model is left for the command to report.
     */
    public void requireSequenceLengthFits(Path model) {
        if (requestedSequences().isEmpty() || model == null || !Files.isRegularFile(model)) {
            return;
        }
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(Files.readAllBytes(model));
        } catch (IOException e) {
            return; // InvalidProtocolBufferException included: the command's own load names the problem
        }
        requireFits(model, proto.getGraph());
    }

    /**
     * Each sequence length asked for, by the option that asks it: {@code --seq-len}, else {@code --shapes}, and the
     * {@code input_ids} array of an {@code .npy} or {@code .npz} given with {@code --data}.
     */
    private Map<String, Long> requestedSequences() {
        if (requestedSequences == null) {
            requestedSequences = Collections.unmodifiableMap(askedSequences()); // reads the data file's headers once
        }
        return requestedSequences;
    }

    /**
     * {@code spec} as data sizes; where it holds a 0, as engine shapes: build's --shapes also makes optimization
     * profiles, in which 0 is an empty tensor, and whether samples may have it is the data options' call. Anything
     * else wrong gets the data sizes' message.
     */
    private static Map<String, long[]> sizesOrEngineShapes(String spec) {
        try {
            return ShapeSpecParser.parseSizes("--shapes", spec);
        } catch (Trt4jException sizes) {
            try {
                return ShapeSpecParser.parse("--shapes", spec);
            } catch (Trt4jException shapes) {
                throw sizes;
            }
        }
    }

    private Map<String, Long> askedSequences() {
        Map<String, Long> asked = new LinkedHashMap<>();
        if (sequenceLength > 0) {
            asked.put("--seq-len " + sequenceLength, (long) sequenceLength);
            return asked;
        }
        for (String spec : shapes) {
            long[] ids = sizesOrEngineShapes(spec).get("input_ids");
            if (ids != null && ids.length == 2) {
                asked.put("--shapes input_ids:" + BenchShapes.text(ids), ids[1]);
            }
        }
        tokenIds(data).ifPresent(ids -> asked.put("--data " + data + " (input_ids "
                + BenchShapes.text(ids) + ")", ids[1]));
        return asked;
    }

    /** The {@code [samples, sequence]} of the token ids in {@code data}: its {@code input_ids} or its one array. */
    private static Optional<long[]> tokenIds(Path data) {
        Map<String, long[]> shapes = ArrayShapes.of(data);
        long[] ids = shapes.containsKey("input_ids") ? shapes.get("input_ids") : shapes.get(ArrayShapes.UNNAMED);
        return ids != null && ids.length == 2 ? Optional.of(ids) : Optional.empty();
    }

    private void requireFits(Path model, GraphProto graph) {
        Map<String, Long> asked = requestedSequences();
        PositionTable.find(graph).ifPresent(t -> asked.forEach((option, length) -> {
            try {
                t.requireFits(model, option, length, option.startsWith("--seq-len") ? "--seq-len " : "a sequence "
                        + "length of ");
            } catch (InvalidOptionException e) {
                if (option.startsWith("--data")) {
                    throw new Trt4jException(e.getMessage(), e); // a failure found in a file: exit 1, not 2
                }
                throw e;
            }
        }));
    }

    /** 0 has a meaning for these options, so only a negative value is a mistake; the message names its option. */
    private static void requireNotNegative(String option, long value, String zeroMeans) {
        if (value < 0) {
            throw new InvalidOptionException(option + " must not be negative (0 = " + zeroMeans + "), got " + value);
        }
    }

    private static DataOptions build(DataOptions.Builder b) {
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException(e.getMessage(), e);
        }
    }

    /** The data path, or null. */
    public Path data() {
        return data;
    }

    /** The tokenizer path, or null. */
    public Path tokenizer() {
        return tokenizer;
    }

    /**
     * Opens the samples for a model: {@code --data} if given; otherwise the bundled sentences, tokenized for a text
     * model ({@code input_ids}, with {@code --tokenizer}) or rendered for an OCR model (see {@link OcrModelRole}:
     * lines, half of them turned for a direction classifier, or pages for a detector); else seeded random data.
     * Text given with {@code --data} is rendered for an OCR model the same way.
     */
    public CalibrationDataSource open(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        return open(inputs, outputs, false);
    }

    /**
     * As {@link #open(List, List)}, for judging a model: without {@code --data} (or with a tokenizer.json as the data),
     * the bundled sentences come from their second half, which {@code calibrate} without {@code --data} does not reach (see
     * {@link DataSourceFactory#openHeldOutBundledSentences}).
     */
    public CalibrationDataSource openForEvaluation(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        return open(inputs, outputs, true);
    }

    private CalibrationDataSource open(List<TensorSpec> inputs, List<TensorSpec> outputs, boolean heldOut) {
        return sampleOptionsUsed(preprocessed(openAny(inputs, outputs, heldOut)));
    }

    /**
     * {@code source}, unless a sample option was given that this kind of data never reads (see
     * {@link #requireSampleOptionsRead}); then the source is closed and the option refused.
     */
    private CalibrationDataSource sampleOptionsUsed(CalibrationDataSource source) {
        try {
            requireSampleOptionsRead(List.of(source));
            return source;
        } catch (InvalidOptionException e) {
            source.close();
            throw e;
        }
    }

    /**
     * Refuses a sample option that {@code sources}' kinds of data never read (--rotate-half with images, --seq-len
     * or --tokenizer with arrays, --seed with files or with lines none of which turn), since the run would look as if
     * it had taken effect. An option that one of them reads (the evaluation data's text, say) is kept. For commands
     * that open their data elsewhere (held-out splits, an engine's calibration shapes); the caller keeps and closes
     * the sources.
     *
     * @param sources the data the command reads: the calibration data first, named in the message
     * @throws InvalidOptionException naming the option and the data
     */
    public void requireSampleOptionsRead(List<CalibrationDataSource> sources) {
        Map<String, Predicate<CalibrationDataSource>> readers = new LinkedHashMap<>();
        if (rotateHalf) {
            readers.put("--rotate-half", source -> source instanceof RenderedTextLineSource);
        }
        if (sequenceLength != 0) {
            readers.put("--seq-len " + sequenceLength, source -> source instanceof TextSource);
        }
        if (tokenizer != null) {
            readers.put("--tokenizer " + tokenizer, source -> source instanceof TextSource);
        }
        if (seed != null) {
            readers.put("--seed " + seed, source -> source instanceof SyntheticSource
                    || source instanceof RenderedTextPageSource
                    || (source instanceof RenderedTextLineSource lines && lines.rotates()));
        }
        readers.forEach((option, reads) -> {
            if (sources.stream().noneMatch(reads)) {
                throw new InvalidOptionException(option + " does nothing for this data (" + sources.get(0).describe()
                        + (sources.size() > 1 ? ", and the evaluation data " + sources.get(1).describe() : "")
                        + "); drop it");
            }
        });
    }

    /**
     * Warns when {@code source} draws text for a model that does not look like an OCR model: text is drawn for any
     * image model (an OCR model of other shapes too), but most such models are not about text at all.
     */
    public void noteTextDrawnForAnImageModel(CalibrationDataSource source, List<TensorSpec> inputs,
                                             List<TensorSpec> outputs) {
        if ((source instanceof RenderedTextLineSource || source instanceof RenderedTextPageSource)
                && OcrModelRole.of(inputs, outputs).isEmpty()) {
            DataWarnings.warn(LOG, data + ": drawing its lines as text images for a model that does not look like "
                    + "an OCR model ("
                    + ControlCharacters.escape(inputs.stream().map(TensorSpec::toString).toList().toString())
                    + "); for a model that "
                    + "reads photos, give a folder of images instead");
        }
    }

    /**
     * {@code source}, unless an image option ({@code --preprocess}, {@code --mean}, ...) was given and the source
     * makes no images (arrays, raw files, audio, tokens, random data), which would ignore it; then the source is
     * closed and the option refused.
     */
    private CalibrationDataSource preprocessed(CalibrationDataSource source) {
        Optional<String> option = image.firstGiven();
        if (option.isEmpty() || source instanceof ImageFileSource
                || source instanceof RenderedTextLineSource || source instanceof RenderedTextPageSource) {
            return source;
        }
        String what = source.describe();
        source.close();
        throw new InvalidOptionException(option.get() + " applies to images and rendered text, and this model gets "
                + what + "; drop it");
    }

    private CalibrationDataSource openAny(List<TensorSpec> inputs, List<TensorSpec> outputs, boolean heldOut) {
        DataOptions options = options(inputs, outputs);
        if (data != null && heldOut && TextSource.readsTokenIds(inputs) && Files.isRegularFile(data)
                && DataSourceFactory.isTokenizerAsData(data)) {
            // a tokenizer given as the data means the bundled sentences, whose held-out half judges a model
            return DataSourceFactory.openHeldOutBundledSentences(inputs, options.toBuilder().tokenizer(data).build());
        }
        if (data != null) {
            CalibrationDataSource source = withStateHint(() -> DataSourceFactory.open(data, inputs, options), inputs,
                    outputs);
            noteTextDrawnForAnImageModel(source, inputs, outputs);
            return source;
        }
        if ((TextSource.readsTokenIds(inputs) && tokenizer != null) || OcrModelRole.of(inputs, outputs).isPresent()) {
            return heldOut ? DataSourceFactory.openHeldOutBundledSentences(inputs, options)
                    : DataSourceFactory.openBundledSentences(inputs, options);
        }
        if (samples == 0) {
            // "All" of an endless source used to mean a quiet 32 samples, fewer than the default 256.
            throw new InvalidOptionException("--samples 0 means all samples, but without --data this model gets "
                    + "seeded random data, which never runs out; give a count (default 256) or --data");
        }
        return DataSourceFactory.open(null, inputs, options);
    }

    /**
     * Opens data with {@code open}; where data of one input meets a model with a state input that an output is named
     * after (Silero's {@code state}, {@code stateN}), the refusal says which {@code --feedback} would leave the data
     * that one input.
     */
    private static CalibrationDataSource withStateHint(Supplier<CalibrationDataSource> open, List<TensorSpec> inputs,
                                                       List<TensorSpec> outputs) {
        try {
            return open.get();
        } catch (SingleInputDataException e) {
            Optional<String> hint = StateNames.feedbackHint(inputs, outputs);
            if (hint.isEmpty()) {
                throw e;
            }
            throw new Trt4jException(e.getMessage() + hint.get(), e);
        }
    }

    /**
     * {@link #options()} adapted to what an OCR model reads (see {@link OcrModelRole#samplesFor}).
     *
     * @throws Trt4jException if {@code --tokenizer} is given for a model without {@code input_ids}, which would
     *                        ignore it
     */
    public DataOptions options(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        requireFitsModel(inputs, outputs);
        return image.apply(forModel(options(), inputs, outputs));
    }

    /**
     * Refuses options that shape samples this model never gets, which would be accepted and do nothing.
     *
     * @throws InvalidOptionException naming the option and the model's inputs
     */
    public void requireFitsModel(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        if (tokenizer != null && !TextSource.readsTokenIds(inputs)) {
            throw new InvalidOptionException("--tokenizer " + tokenizer + ": the model has no input_ids input to "
                    + "tokenize text for; its inputs are " + inputs.stream().map(TensorSpec::name).toList());
        }
        if (sequenceLength != 0 && !TextSource.readsTokenIds(inputs)) {
            throw new InvalidOptionException("--seq-len " + sequenceLength + ": the model has no input_ids input, "
                    + "so no text is tokenized for it; its inputs are "
                    + inputs.stream().map(TensorSpec::name).toList());
        }
        if (rotateHalf && (TextSource.readsTokenIds(inputs) || !givesSamples(inputs, outputs))) {
            throw new InvalidOptionException("--rotate-half turns rendered text lines, and this model gets "
                    + (TextSource.readsTokenIds(inputs) && givesSamples() ? "tokenized text"
                    : TextSource.readsTokenIds(inputs) ? "seeded random token ids"
                    : "seeded random data (give --data with a .txt of lines to render)"));
        }
    }

    private static DataOptions forModel(DataOptions options, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        return OcrModelRole.of(inputs, outputs).map(r -> r.samplesFor(options)).orElse(options);
    }

    /** Whether real samples were given: {@code --data}, or {@code --tokenizer} for the bundled sentences. */
    public boolean givesSamples() {
        return data != null || tokenizer != null;
    }

    /**
     * Whether {@link #open(List, List)} feeds this model real samples: given ones, or the bundled sentences for a
     * text model with {@code --tokenizer} or for an OCR model (rendered), rather than random data.
     */
    public boolean givesSamples(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        return data != null || (tokenizer != null && TextSource.readsTokenIds(inputs))
                || OcrModelRole.of(inputs, outputs).isPresent();
    }

    /**
     * Opens the real samples at fixed shapes (an engine's calibration shapes, which replace {@code --shapes}):
     * {@code --data}, rendered for an OCR model as {@link #open(List, List)} renders it, or the bundled sentences
     * for a text model with {@code --tokenizer}. Never random data.
     *
     * @throws Trt4jException when neither applies to the model
     */
    public CalibrationDataSource openSamples(List<TensorSpec> inputs, List<TensorSpec> outputs,
                                             Map<String, long[]> fixedShapes) {
        return openSamples(inputs, outputs, fixedShapes, false);
    }

    /**
     * The samples of an INT8 build: at its calibration shapes for TensorRT, and for trt4j's own range pass with
     * text cut after its longest sentence as {@code calibrate} cuts it (the profile's length the most it keeps).
     */
    public CalibrationSamples engineSamples() {
        return new CalibrationSamples() {
            @Override
            public CalibrationDataSource open(List<TensorSpec> inputs, List<TensorSpec> outputs,
                                              Map<String, long[]> shapes) {
                return openSamples(inputs, outputs, shapes, false);
            }

            @Override
            public CalibrationDataSource openForRanges(List<TensorSpec> inputs, List<TensorSpec> outputs,
                                                       Map<String, long[]> shapes) {
                return openSamples(inputs, outputs, shapes, true);
            }
        };
    }

    private CalibrationDataSource openSamples(List<TensorSpec> inputs, List<TensorSpec> outputs,
                                              Map<String, long[]> fixedShapes, boolean textLengthIsAtMost) {
        requireFitsModel(inputs, outputs);
        DataOptions.Builder b = builder().textLengthIsAtMost(textLengthIsAtMost);
        fixedShapes.forEach(b::fixedShape);
        DataOptions options = image.apply(forModel(build(b), inputs, outputs));
        if (data != null) {
            CalibrationDataSource source = sampleOptionsUsed(preprocessed(withStateHint(() -> DataSourceFactory.open(
                    data, inputs, options), inputs, outputs)));
            noteTextDrawnForAnImageModel(source, inputs, outputs);
            return source;
        }
        if (tokenizer != null && TextSource.readsTokenIds(inputs)) {
            return sampleOptionsUsed(preprocessed(DataSourceFactory.openBundledSentences(inputs, options)));
        }
        throw new InvalidOptionException("--tokenizer " + tokenizer + ": the model has no input_ids input to feed "
                + "the bundled sentences to; give its samples with --data");
    }
}
