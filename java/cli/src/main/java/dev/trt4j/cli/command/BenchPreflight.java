package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.benchmark.BenchInputs;
import dev.trt4j.benchmark.BenchShapes;
import dev.trt4j.benchmark.EngineShapeCheck;
import dev.trt4j.data.DataFiles;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.data.npy.ArrayShapes;
import dev.trt4j.data.text.DetectorSides;
import dev.trt4j.data.text.OcrModelRole;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.engine.ShapeRange;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.PositionTable;
import dev.trt4j.ort.OrtTensorLimit;
import dev.trt4j.tensor.TensorSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks each file of {@code trt4j bench} against the shapes and data it will be timed with, and plans the batch
 * each run will have, all before the first run is timed.
 */
final class BenchPreflight {
    private final BenchBackendChoice backends;
    /** The {@code --inputs} value as given, which the messages name. */
    private final String inputs;
    private final Map<Path, PreflightFacts> models = new HashMap<>();
    /** The {@code --shapes} entries that are each file's, see {@link #ownShapes}. */
    private final Map<Path, Map<String, long[]>> shapesByFile = new HashMap<>();
    /** The option that set the token inputs' length where it was not --shapes (e.g. {@code --seq-len 600}). */
    private String lengthOption;
    /** Whether the shapes are those of the {@code --inputs} arrays, which no option changes. */
    private boolean arraysGiveShapes;

    BenchPreflight(BenchBackendChoice backends, String inputs) {
        this.backends = backends;
        this.inputs = inputs;
    }

    /**
     * Checks what can be checked without timing anything, so a bad file fails before minutes of timing.
     *
     * @param runs     every run of the bench: a {@code --shapes} entry for an input of another file of the run is
     *                 not this file's (see {@link #shapes(Path)})
     * @return the batch the run will have, which names its {@code --json} file; 0 for an engine whose batch only
     * loading it tells (no sidecar profile, or profiled inputs whose first dimensions differ)
     */
    int check(BenchRun run, List<BenchRun> runs, Map<String, long[]> shapeMap, BenchInputs values) {
        boolean onTensorRt = backends.forFile(run.file()).equals("tensorrt");
        if (onTensorRt != BenchBackendChoice.isEngine(run.file()) && backends.given() != null
                && BenchBackendChoice.nameSaysItsKind(run.file())) {
            // the name says which kind of file it is; say that, not what the other backend's reader makes of it
            throw new InvalidOptionException(run.file() + (onTensorRt
                    ? ": an ONNX model, and --backend tensorrt runs TensorRT engines; build one (trt4j build) or "
                    + "drop --backend"
                    : ": a TensorRT engine, and --backend " + backends.given() + " runs ONNX models; drop --backend"));
        }
        if (!BenchBackendChoice.isEngine(run.file())) {
            OnnxModel.requireFile(run.file()); // in the words every command uses for a model
        } else {
            // an empty, text or ONNX file named .engine is found here, not by TensorRT after the GPU is up
            EngineFileCheck.check(run.file());
        }
        if (backends.forFile(run.file()).equals("tensorrt")) {
            Optional<EngineSidecar> sidecar = EngineSidecarFile.read(run.file());
            // the shapes and batch limits below are the sidecar's, so it must still describe this engine
            sidecar.ifPresent(s -> EngineFileCheck.requireSidecarMatches(run.file(), s));
            Map<String, long[]> own = ownShapes(run.file(), runs, shapeMap);
            Map<String, long[]> planned = sidecar
                    .map(s -> EngineShapeCheck.checkRequest(run.file(), s, run.batch(), own)).orElse(Map.of());
            if (run.batch() > 0) {
                return run.batch();
            }
            // the engine's own input order decides otherwise, which only loading it tells
            Set<Long> firstDims = new HashSet<>();
            planned.values().stream().filter(d -> d.length > 0).forEach(d -> firstDims.add(d[0]));
            return firstDims.size() == 1 ? firstDims.iterator().next().intValue() : 0;
        }
        // A shape that fits the first model of a comparison but not a later one fails here, not after minutes
        // of timing.
        PreflightFacts model = models.computeIfAbsent(run.file(), PreflightFacts::of);
        Map<String, long[]> own = ownShapes(run.file(), runs, shapeMap);
        Map<String, long[]> resolved = BenchShapes.resolve(run.file().toString(), model.inputs(), run.batch(), own,
                Map.of(), shapeMap);
        BenchShapes.requireHoldable(run.file().toString(), model.inputs(), resolved, Runtime.getRuntime().maxMemory());
        // an output the inputs make too large (Expand, upsampling) too, before a smaller batch of the sweep is timed
        OrtTensorLimit.requireDeclaredOutputsFit(run.file().toString(), model.inputs(), model.outputs(), resolved);
        requireDetectorSides(run.file(), model, resolved);
        if (own.containsKey("input_ids")) {
            requireSequenceFitsPositions(run.file(), model.positions(), resolved, lengthOption);
        }
        if (values instanceof BenchInputs.FromData) {
            requireBatchFirst(run.file(), model.inputs());
            // too few samples for --batch 8 must not show after batch 1 was timed in full: one batch read now
            values.create(model.inputs(), resolved);
        }
        return BenchShapes.batch(model.inputs(), resolved);
    }

    /**
     * The shapes {@link #check} held {@code file} to, which its runs are timed with.
     *
     * @throws IllegalStateException if no run of the file was checked
     */
    Map<String, long[]> shapes(Path file) {
        Map<String, long[]> own = shapesByFile.get(file);
        if (own == null) {
            throw new IllegalStateException(file + " was not checked");
        }
        return own;
    }

    /**
     * The entries of {@code shapes} that are {@code file}'s: {@code --shapes} is one option for every file of a
     * comparison, whose models may take different inputs (an image classifier's x, a text model's input_ids), so
     * an entry naming an input of another file of the run is left out for this one. An entry that no file of the run
     * takes is a misspelling: refused naming every file's inputs, or, for a bench of one file, by the shape check in
     * its usual words; an engine whose inputs only loading it tells (no sidecar profile) takes every entry, as it
     * may take any of them.
     */
    private Map<String, long[]> ownShapes(Path file, List<BenchRun> runs, Map<String, long[]> shapes) {
        return shapesByFile.computeIfAbsent(file, f -> {
            Optional<Set<String>> own = inputNames(f);
            if (own.isEmpty()) {
                return shapes;
            }
            Map<String, long[]> kept = kept(f, own.get(), runs, shapes);
            return backends.forFile(f).equals("tensorrt") ? kept : withOcrSize(f, kept);
        });
    }

    /** The entries of {@code shapes} that are {@code file}'s, whose inputs are {@code own}: see {@link #ownShapes}. */
    private Map<String, long[]> kept(Path file, Set<String> own, List<BenchRun> runs, Map<String, long[]> shapes) {
        List<Path> others = runs.stream().map(BenchRun::file).distinct().filter(o -> !o.equals(file)).toList();
        Map<String, long[]> kept = new LinkedHashMap<>();
        shapes.forEach((name, dims) -> {
            boolean another = others.stream().anyMatch(o -> inputNames(o).map(n -> n.contains(name)).orElse(true));
            if (own.contains(name)) {
                kept.put(name, dims);
            } else if (!another && !others.isEmpty()) {
                // naming one file's inputs alone would suggest the name is meant for that file
                throw misspeltInComparison(name, runs);
            } else if (!another) {
                kept.put(name, dims); // one file: refused by the shape check, in the words of every command
            }
        });
        return kept;
    }

    /**
     * {@code own} with a PP-OCR model's image input (see {@link OcrModelRole}) at PaddleOCR's size for its role where
     * {@code own} gives it no shape and the model leaves its sides open: the size calibrate and evaluate read it at,
     * so that such a model is timed as it is used rather than refused for want of a {@code --shapes}.
     */
    private Map<String, long[]> withOcrSize(Path file, Map<String, long[]> own) {
        PreflightFacts model = models.computeIfAbsent(file, PreflightFacts::of);
        Optional<OcrModelRole> role = OcrModelRole.of(model.inputs(), model.outputs());
        TensorSpec image = model.inputs().get(0);
        if (role.isEmpty() || own.containsKey(image.name()) || image.dims()[2] >= 0 && image.dims()[3] >= 0) {
            return own;
        }
        Map<String, long[]> withSize = new LinkedHashMap<>(own);
        withSize.put(image.name(), role.get().defaultShape(image));
        return withSize;
    }

    /**
     * A text detector's image sides that are no multiples of 32 fail in ONNX Runtime deep in the graph: refused here,
     * in the words data of the same size is refused in ({@link DetectorSides}).
     */
    private void requireDetectorSides(Path file, PreflightFacts model, Map<String, long[]> resolved) {
        if (OcrModelRole.of(model.inputs(), model.outputs()).filter(r -> r == OcrModelRole.TEXT_DETECTOR)
                .isEmpty()) {
            return;
        }
        TensorSpec image = model.inputs().get(0);
        long[] shape = resolved.get(image.name());
        if (arraysGiveShapes) {
            DetectorSides.requireOfArrays(file.toString(), image, shape[2], shape[3]);
        } else {
            DetectorSides.require(file.toString(), image, shape[2], shape[3]);
        }
    }

    private InvalidOptionException misspeltInComparison(String name, List<BenchRun> runs) {
        String inputs = runs.stream().map(BenchRun::file).distinct().map(f -> f + " " + new java.util.TreeSet<>(
                inputNames(f).orElseThrow())).collect(java.util.stream.Collectors.joining(", "));
        return new InvalidOptionException("--shapes names '" + name + "', which is an input of no file of this run; "
                + "their inputs: " + inputs);
    }

    /**
     * The input names of {@code file}: an ONNX model's, or an engine's by its sidecar's profile; empty where they
     * are not known before loading (an engine without a profile, a file that is missing, which {@link #check} names).
     */
    private Optional<Set<String>> inputNames(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (backends.forFile(file).equals("tensorrt")) {
            return EngineSidecarFile.read(file).filter(s -> !s.profiles().isEmpty())
                    .map(s -> s.profiles().get(0).keySet());
        }
        Set<String> names = new HashSet<>();
        models.computeIfAbsent(file, PreflightFacts::of).inputs().forEach(in -> names.add(in.name()));
        return Optional.of(names);
    }

    /**
     * Without {@code --shapes}, the shapes of the arrays {@code --inputs} names (an {@code .npz}'s by input name, an
     * {@code .npy}'s for a model of one input) with a batch of 1 (or the model's fixed batch), which {@code --batch} changes as it changes any
     * shape: the first ONNX model of the run says which inputs there are. Empty for other inputs and for engines,
     * whose profiles say their shapes.
     */
    Map<String, long[]> shapesOfDataArrays(List<BenchRun> runs) {
        if (inputs.equals("random") || inputs.equals("zeros")) {
            return Map.of();
        }
        Map<String, long[]> arrays = ArrayShapes.of(Path.of(inputs));
        Optional<BenchRun> onnx = onnxRuns(runs).findFirst();
        if (arrays.isEmpty() || onnx.isEmpty()) {
            return Map.of();
        }
        List<TensorSpec> modelInputs = models.computeIfAbsent(onnx.get().file(), PreflightFacts::of).inputs();
        requireBatchFirst(onnx.get().file(), modelInputs);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TensorSpec in : modelInputs) {
            long[] shape = arrays.containsKey(in.name()) ? arrays.get(in.name())
                    : modelInputs.size() == 1 ? arrays.get(ArrayShapes.UNNAMED) : null;
            if (shape != null && shape.length > 0) {
                long[] one = shape.clone();
                // a batch of 1, or of the model's own where its batch is fixed
                one[0] = in.dims().length > 0 && in.dims()[0] > 0 ? in.dims()[0] : 1;
                shapes.put(in.name(), one);
            }
        }
        arraysGiveShapes = !shapes.isEmpty();
        return shapes;
    }

    /**
     * The shapes text read with a tokenizer takes where {@code --shapes} gives none: each text input of the first
     * ONNX model ({@code input_ids}, {@code attention_mask}, {@code token_type_ids}) at one sentence of
     * {@code sequenceLength} tokens, or of the model's own length where it fixes one; {@code --batch} sets the first
     * dimension as for any shape.
     */
    Map<String, long[]> shapesOfText(List<BenchRun> runs, int sequenceLength, String option, boolean lengthGiven) {
        lengthOption = option;
        Optional<BenchRun> onnx = onnxRuns(runs).findFirst();
        if (onnx.isEmpty()) {
            // engines alone run at their profile's optimum unless told otherwise; an explicit --seq-len was ignored
            return lengthGiven ? shapesOfEngineText(runs, sequenceLength) : Map.of();
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TensorSpec in : models.computeIfAbsent(onnx.get().file(), PreflightFacts::of).inputs()) {
            if (lengthGiven && TextSource.INPUT_NAMES.contains(in.name()) && in.dims().length == 2
                    && in.dims()[1] > 0 && in.dims()[1] != sequenceLength) {
                // timed at the model's own length otherwise, which the header alone would show
                throw new InvalidOptionException(onnx.get().file() + ": " + option + " does not fit model input '"
                        + in.name() + "' " + in.shapeText() + ", whose length is fixed; drop --seq-len");
            }
            if (TextSource.INPUT_NAMES.contains(in.name()) && in.dims().length == 2) {
                shapes.put(in.name(), new long[] {in.dims()[0] > 0 ? in.dims()[0] : 1,
                    in.dims()[1] > 0 ? in.dims()[1] : sequenceLength});
            }
        }
        return shapes;
    }

    /**
     * The first engine's text inputs (by its sidecar's profile) at one sentence of {@code sequenceLength} tokens, as
     * an ONNX model's; {@code --batch} sets the batch, and {@link #check} holds every engine of the run to its
     * profile.
     *
     * @throws InvalidOptionException for an engine whose sidecar is missing or names no profile, or that takes an
     *                                input the tokenizer does not feed
     */
    private static Map<String, long[]> shapesOfEngineText(List<BenchRun> runs, int sequenceLength) {
        Map<String, long[]> shapes = null;
        Path first = null;
        for (Path engine : runs.stream().map(BenchRun::file).distinct().toList()) {
            Map<String, ShapeRange> profile = EngineSidecarFile.read(engine).filter(s -> !s.profiles().isEmpty())
                    .map(s -> s.profiles().get(0)).orElseThrow(() -> new InvalidOptionException(engine
                            + ": --seq-len " + sequenceLength + " needs the engine's input names, which its sidecar "
                            + EngineSidecarFile.pathFor(engine).getFileName() + " would give; give the shapes with "
                            + "--shapes input_ids:1x" + sequenceLength + ",attention_mask:1x" + sequenceLength));
            profile.keySet().stream().filter(name -> !TextSource.INPUT_NAMES.contains(name)).findFirst()
                    .ifPresent(name -> {
                        // found here, not by the tokenizer's reader once the GPU is up
                        throw new InvalidOptionException(engine + ": input '" + name + "' is none the tokenizer "
                                + "feeds (" + String.join(", ", new java.util.TreeSet<>(TextSource.INPUT_NAMES))
                                + "); time the engine with --inputs random or zeros");
                    });
            Map<String, long[]> own = new LinkedHashMap<>();
            profile.forEach((name, range) -> {
                if (range.opt().length == 2) {
                    own.put(name, new long[] {1, sequenceLength});
                }
            });
            if (shapes == null) {
                shapes = own;
                first = engine;
            } else if (!shapes.keySet().equals(own.keySet())) {
                // one set of shapes serves every file of a comparison
                throw new InvalidOptionException(engine + " takes the token inputs " + new java.util.TreeSet<>(
                        own.keySet()) + " and " + first + " takes " + new java.util.TreeSet<>(shapes.keySet())
                        + "; --seq-len gives every engine of a comparison the same inputs: time them apart");
            }
        }
        return shapes == null ? Map.of() : shapes;
    }

    /**
     * Text (sentences with {@code --tokenizer}, or a tokenizer.json as {@code --inputs}) is fed to {@code input_ids};
     * a model without that input would otherwise be asked for its image shape, or given the sentences rendered as
     * images with the tokenizer ignored.
     *
     * @param textOption the option that asked for text, as the message names it ({@code --tokenizer FILE})
     * @throws InvalidOptionException naming the first ONNX model of the run without {@code input_ids}
     */
    void requireTextModels(List<BenchRun> runs, String textOption) {
        for (BenchRun run : onnxRuns(runs).toList()) {
            List<TensorSpec> modelInputs = models.computeIfAbsent(run.file(), PreflightFacts::of).inputs();
            if (!TextSource.readsTokenIds(modelInputs)) {
                throw new InvalidOptionException(run.file() + ": " + textOption + " gives text to tokenize, and the "
                        + "model has no input_ids input to feed it to; its inputs are "
                        + modelInputs.stream().map(TensorSpec::name).toList());
            }
        }
    }

    /**
     * A {@code .txt} of sentences (or a folder of them) for a text model needs {@code --tokenizer}; without it the
     * model would be asked for its token inputs' shapes first, and then be told about the tokenizer.
     *
     * @throws InvalidOptionException naming the file, when an ONNX model of the run takes {@code input_ids}
     */
    void requireTokenizerForSentences(List<BenchRun> runs) {
        Path data = Path.of(inputs);
        boolean sentences = Files.isRegularFile(data) ? DataFiles.extension(data).equals("txt")
                : Files.isDirectory(data) && DataSourceFactory.isTextFolder(data);
        if (!sentences) {
            return;
        }
        boolean textModel = onnxRuns(runs).anyMatch(run -> TextSource.readsTokenIds(
                models.computeIfAbsent(run.file(), PreflightFacts::of).inputs()));
        if (textModel) {
            throw new InvalidOptionException("--inputs " + inputs + ": sentences for a model with input_ids need its "
                    + "tokenizer; give the tokenizer.json with --tokenizer");
        }
    }

    /**
     * The runs of ONNX models whose files exist: an engine's inputs are known once it is loaded, and a missing file
     * is named by {@link #check}.
     */
    private Stream<BenchRun> onnxRuns(List<BenchRun> runs) {
        return runs.stream().filter(r -> !backends.forFile(r.file()).equals("tensorrt")
                && Files.isRegularFile(r.file()));
    }

    /**
     * Data files give samples along each input's first dimension; an input whose first dimension is fixed beside
     * inputs with an open one holds its batch elsewhere (a recurrent state {@code [2, N, 64]}), and its array cannot
     * be batched as the others are.
     *
     * @throws InvalidOptionException naming the input, for such a model with {@code --inputs DATA}
     */
    private void requireBatchFirst(Path file, List<TensorSpec> modelInputs) {
        boolean openBatch = BenchShapes.hasOpenBatch(modelInputs);
        modelInputs.stream().filter(in -> openBatch && in.dims().length > 0 && in.dims()[0] >= 0).findFirst()
                .ifPresent(in -> {
                    throw new InvalidOptionException(file + ": --inputs " + inputs + " gives each input its samples "
                            + "along its first dimension, but input '" + in.name() + "' " + in.shapeText()
                            + " holds its batch elsewhere (a recurrent state); time it with --inputs random or zeros");
                });
    }

    /**
     * What preflight needs of a model, kept for each file of a comparison instead of the model itself, whose weights
     * would otherwise stay in memory through every timed run.
     */
    private record PreflightFacts(List<TensorSpec> inputs, List<TensorSpec> outputs,
                                  Optional<PositionTable> positions) {
        static PreflightFacts of(Path file) {
            OnnxModel model = OnnxModel.load(file);
            return new PreflightFacts(model.inputs(), model.outputs(), PositionTable.find(model.proto().getGraph()));
        }
    }

    /**
     * A token input ({@code input_ids} [batch, length]) given by {@code --shapes} longer than the model's position
     * table (see {@link PositionTable}) would fail in ONNX Runtime with a broadcast error deep in the graph: a usage
     * error here.
     */
    private static void requireSequenceFitsPositions(Path file, Optional<PositionTable> positions,
                                                     Map<String, long[]> shapes, String lengthOption) {
        long[] ids = shapes.get("input_ids");
        if (ids == null || ids.length != 2) {
            return;
        }
        positions.ifPresent(t -> t.requireFits(file, lengthOption != null ? lengthOption
                : "--shapes input_ids:" + BenchShapes.text(ids), ids[1], "a sequence length of "));
    }
}
