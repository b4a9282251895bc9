package dev.trt4j.cli.command;

import dev.trt4j.ControlCharacters;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.benchmark.BenchInputs;
import dev.trt4j.benchmark.BenchShapes;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.cli.OutOfMemoryHint;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.benchmark.BenchmarkBackends;
import dev.trt4j.benchmark.BenchmarkRequest;
import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.benchmark.BenchmarkSummaryJson;
import dev.trt4j.benchmark.ComparisonRow;
import dev.trt4j.engine.ShapeSpecParser;
import dev.trt4j.io.StreamPaths;
import dev.trt4j.timing.LayerProfile;
import dev.trt4j.timing.LayerProfileText;
import dev.trt4j.timing.PerformanceReportText;
import dev.trt4j.timing.SpeedupRounds;
import dev.trt4j.timing.SpeedupTable;
import dev.trt4j.timing.SpeedupTableText;
import dev.trt4j.timing.TimesJson;
import dev.trt4j.timing.TimingSettings;
import dev.trt4j.timing.TimingWarning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code trt4j bench ENGINE|MODEL}: times inference as trtexec does (warm-up by time, at least N iterations and at
 * least the duration, trtexec's percentiles) on TensorRT or on ONNX Runtime's CPU, and with {@code --compare} prints
 * the FP32/FP16/INT8 speedup table, from one run per cell or, with {@code --rounds}, from the median of interleaved
 * rounds. All files are checked before anything runs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Times inference like trtexec on TensorRT or ONNX Runtime (CPU); compares precisions.")
public final class BenchCommand implements Callable<Integer>, OutOfMemoryHint {
    /** How many of the slowest layers {@code --dump-profile} lists after the time by operator type. */
    private static final int SLOWEST_LAYERS = 10;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ENGINE|MODEL", description = "A .engine/.plan or .onnx file.")
    private Path file;

    @Option(names = "--backend", paramLabel = "tensorrt|onnxruntime",
            description = "The runtime that times the file (default: tensorrt for .engine/.plan files, onnxruntime "
                    + "for .onnx).")
    private String backend;

    @Option(names = "--batch", split = ",", paramLabel = "N[,N...]",
            description = "Batch sizes to time, for example 1,8,128; each replaces the first dimension of every "
                    + "input, also of those --shapes gives.")
    private List<Integer> batches = new ArrayList<>();

    @Option(names = "--shapes", paramLabel = "SPEC",
            description = "Input shapes as trtexec's, for example x:1x3x48x192 (with --batch, the first "
                    + "dimension is the batch's).")
    private String shapes;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "200", description = "Warm-up in ms (default 200).")
    private double warmUpMs;

    @Option(names = "--warmup-iterations", paramLabel = "N", defaultValue = "10",
            description = "Warm-up lasts at least N queries too, for the JIT (default 10; 0 = trtexec's rule).")
    private int warmUpQueries;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "3", description = "Measure at least S seconds (default 3).")
    private double durationS;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "10", description = "Measure at least N queries (default 10).")
    private int iterations;

    @Option(names = "--percentiles", split = ",", paramLabel = "P[,P...]",
            description = "The latency percentiles reported, each in [0, 100] (default 50,90,95,99).")
    private List<Double> percentiles = new ArrayList<>(List.of(50.0, 90.0, 95.0, 99.0));

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime: threads per inference (default 0: one per processor).")
    private int threads;

    @Option(names = "--inputs", paramLabel = "random|zeros|DATA", defaultValue = "random",
            description = "Input values: seeded random, zeros, or samples from a data file/folder.")
    private String inputs;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "A tokenizer.json for text given with --inputs (a .txt of sentences, for a text model).")
    private Path tokenizer;

    @Option(names = "--seq-len", paramLabel = "N",
            description = "Tokens per sentence for text read with --tokenizer, where --shapes does not give them "
                    + "(default 128, as calibrate; engines timed alone run at their profile's optimum without it).")
    private Integer seqLen;

    @Option(names = "--no-cuda-graph", description = "TensorRT: enqueue each query instead of a CUDA graph launch.")
    private boolean noCudaGraph;

    @Option(names = "--no-spin-wait", description = "TensorRT: block on events instead of spinning.")
    private boolean noSpinWait;

    @Option(names = "--include-transfers", description = "TensorRT: copy inputs in and outputs out every query.")
    private boolean includeTransfers;

    @Option(names = "--one-at-a-time", description = "TensorRT: no query queued ahead (latency, not throughput).")
    private boolean oneAtATime;

    @Option(names = "--dump-profile",
            description = "ONNX Runtime: after each timed run, time every layer in a separate run of --iterations "
                    + "queries (after --warmup-iterations) with ONNX Runtime's profiler, and print the time by "
                    + "operator type and the slowest layers (trtexec's --dumpProfile --separateProfileRun).")
    private boolean dumpProfile;

    @Option(names = "--export-profile", paramLabel = "FILE",
            description = "ONNX Runtime: write that per-layer profile in trtexec's --exportProfile layout "
                    + "(count, then name, timeMs, averageMs, medianMs, percentage and operator per layer): FILE "
                    + "for a single run; with several runs one file each, the run's label before the extension "
                    + "(profile.json: profile.b8.json).")
    private Path exportProfile;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Per-query times in trtexec's --exportTimes layout (h2dMs and d2hMs null where copies "
                    + "are not timed): FILE for a single run; with several runs one file each, the run's label "
                    + "before the extension (times.json: times.b8.json). '-' prints a single run's times on stdout instead of the text report.")
    private Path json;

    @Option(names = "--summary-json", paramLabel = "FILE",
            description = "Every run's summary (throughput; min, max, mean, median and percentiles of each metric) "
                    + "and, with --compare, the speedup table, as one JSON document for scripts; '-' prints it on "
                    + "stdout instead of the text report.")
    private String summaryJson;

    @Option(names = "--compare", paramLabel = "[model=NAME,]fp32=F,LABEL=F...",
            description = "Time each file against fp32, one column per LABEL (fp16, int8, dynamic-int8, ...); repeat "
                    + "for more models (rows of the speedup table).")
    private List<String> compare = new ArrayList<>();

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
            description = "With --compare: time the files of each model and batch N times, in rounds whose order "
                    + "reverses each time, and report each precision's median per-round speedup and its range. Load "
                    + "on a shared machine moves a ratio of two runs taken one after the other; it moves the "
                    + "median of ratios taken side by side far less (default 1).")
    private int rounds;

    @Option(names = "--markdown", paramLabel = "FILE",
            description = "Write the speedup table as Markdown; '-' prints it on stdout instead of the text report.")
    private Path markdown;

    @Option(names = "--csv", paramLabel = "FILE",
            description = "Write the speedup table as CSV; '-' prints it on stdout instead of the text report.")
    private Path csv;

    @Option(names = "--table-json", paramLabel = "FILE",
            description = "Write the speedup table as JSON; '-' prints it on stdout instead of the text report.")
    private Path tableJson;

    @Override
    public Integer call() {
        BenchBackendChoice backends = new BenchBackendChoice(backend);
        BenchOptionChecks checks = new BenchOptionChecks(spec, backends);
        checks.validateNumbers(batches, threads, warmUpQueries, iterations, rounds, percentiles, warmUpMs, durationS);
        checks.warnOfDecimalCommas(spec.commandLine().getErr());
        if (backend != null) {
            BenchmarkBackends.requireKnown(backend);
        }
        Map<String, String> outputs = BenchStdout.outputs(json, summaryJson, markdown, csv, tableJson);
        stdout = BenchStdout.of(outputs, exportProfile == null ? null : exportProfile.toString());
        List<BenchRun> runs = checks.requireOneRunOnStdout(plan(), timesOnStdout());
        // '-' where it would be taken: stdout still free, and for --json one run's times; else the stream refusal
        if (stdout.textReport()) {
            outputs.forEach((option, value) -> {
                if (!option.equals("--json") || runs.size() == 1) {
                    requireDashForStandardOutput(option, value);
                }
            });
        }
        checks.requireTensorRtForItsOptions(runs, noCudaGraph, noSpinWait, includeTransfers, oneAtATime);
        checks.requireProfilingBackend(runs, dumpProfile, exportProfile != null, rounds, stdout.option());
        checks.requireOnnxRuntimeForThreads(runs, threads);
        TimingSettings timing = timing();
        BenchInputs values = inputs();
        BenchPreflight preflight = new BenchPreflight(backends, inputs);
        // text: sentences with --tokenizer, or a tokenizer.json as the data, which stands for the bundled sentences
        boolean text = tokenizer != null || (!inputs.isBlank() && DataSourceFactory.isTokenizerAsData(Path.of(inputs)));
        if (text) {
            preflight.requireTextModels(runs, tokenizer != null ? "--tokenizer " + tokenizer : "--inputs " + inputs);
        } else if (!inputs.isBlank()) {
            preflight.requireTokenizerForSentences(runs);
        }
        if (seqLen != null && (!text || shapes != null)) {
            throw new InvalidOptionException(!text ? "--seq-len applies to text read with --tokenizer: give "
                    + "--inputs FILE.txt --tokenizer tokenizer.json, or --inputs tokenizer.json for the bundled "
                    + "sentences"
                    : "--seq-len with --shapes: give the sequence length in --shapes");
        }
        if (seqLen != null && seqLen < 1) {
            throw new InvalidOptionException("--seq-len must be a positive number of tokens, got " + seqLen);
        }
        Map<String, long[]> shapeMap = shapes != null ? ShapeSpecParser.parse("--shapes", shapes)
                : text ? preflight.shapesOfText(runs, seqLen != null ? seqLen
                : DataOptions.DEFAULT_SEQUENCE_LENGTH, seqLen != null ? "--seq-len " + seqLen
                : "the default sequence length " + DataOptions.DEFAULT_SEQUENCE_LENGTH, seqLen != null)
                : preflight.shapesOfDataArrays(runs);
        Map<BenchRun, Integer> plannedBatches = new HashMap<>();
        for (BenchRun run : runs) {
            plannedBatches.put(run, preflight.check(run, runs, shapeMap, values));
        }
        try (BenchOutputFiles outputFiles = new BenchOutputFiles(timesOnStdout() ? null : json, exportProfile,
                fileOf("--markdown", markdown), fileOf("--csv", csv), fileOf("--table-json", tableJson),
                summaryJson == null || summaryOnStdout() ? null : Path.of(summaryJson))) {
            outputFiles.requireWritable(runs, plannedBatches, file, inputs, tokenizer);
            BenchOptionChecks.requireComparableBatches(runs, plannedBatches);
            // Every backend a run needs is found, and runs here, before the first run is timed: a comparison that
            // mixes ONNX models with engines must not time the models and then stop at the missing GPU.
            runs.stream().map(run -> backends.forFile(run.file())).distinct().forEach(BenchmarkBackends::named);
            return timeAll(runs, backends, preflight::shapes, values, timing, outputFiles);
        }
    }

    /**
     * Times every run in {@link BenchSchedule}'s order and reports them. A run's per-query traces are dropped once its
     * files are staged: only its statistics outlive it, so a long sweep needs the memory of one run, not of all.
     *
     * @param shapes each file's {@code --shapes} entries, as preflight checked them
     */
    private int timeAll(List<BenchRun> runs, BenchBackendChoice backends, Function<Path, Map<String, long[]>> shapes,
                        BenchInputs values, TimingSettings timing, BenchOutputFiles outputFiles) {
        PrintWriter out = spec.commandLine().getOut();
        startTiming();
        List<SpeedupTable.Entry> entries = new ArrayList<>();
        SpeedupRounds sideBySide = new SpeedupRounds(ComparisonRow.BASELINE);
        List<BenchmarkSummaryJson.Run> summaries = new ArrayList<>();
        BenchmarkResult[] timesToPrint = {null}; // --json -: the only run's traces, printed once every run succeeded
        BenchSchedule schedule = new BenchSchedule(run -> BenchmarkBackends.named(backends.forFile(run.file())),
                run -> new BenchmarkRequest(run.file(), run.batch(), shapes.apply(run.file()), values, timing,
                        threads), rounds);
        schedule.run(runs, (run, round, b, request, result) -> {
            LayerProfile profile = profiling() ? b.profileLayers(request) : null;
            if (textReport()) {
                // each line as ControlCharacters writes it: inputs and layers are named by the model, and a newline
                // in a name would fake a line, an escape sequence would reach the terminal
                out.println(ControlCharacters.escape("== " + run.file() + " [" + b.name() + "] "
                        + BenchShapes.text(result.shapes()) + ", inputs " + result.inputs()
                        + (rounds > 1 ? ", round " + (round + 1) + " of " + rounds : "")));
                PerformanceReportText.lines(result.report())
                        .forEach(line -> out.println("  " + ControlCharacters.escape(line)));
                if (dumpProfile) {
                    LayerProfileText.lines(profile, "ONNX Runtime's profiler", result.report().latency().median(),
                                    SLOWEST_LAYERS)
                            .forEach(line -> out.println("  " + ControlCharacters.escape(line)));
                }
                out.flush();
            }
            if (!textReport()) {
                // stdout holds a document (JSON, a table): the timing warnings the text would end with go to stderr
                for (TimingWarning warning : result.report().warnings()) {
                    PrintWriter err = spec.commandLine().getErr();
                    err.println("trt4j: warning: " + ControlCharacters.escape(run.file() + ": "
                            + warning.text(result.report())));
                    err.flush();
                }
            }
            outputFiles.runEnded(run, runs.size() == 1, result, profile);
            if (timesOnStdout()) {
                timesToPrint[0] = result;
            }
            SpeedupTable.Entry entry = new SpeedupTable.Entry(run.model(), run.precision(), result.batch(),
                    result.report().samplesPerSecond());
            entries.add(entry);
            sideBySide.add(entry);
            summaries.add(new BenchmarkSummaryJson.Run(run.model(), run.precision(), result,
                    rounds > 1 ? round + 1 : 0));
        });
        SpeedupTable table = compare.isEmpty() ? null
                : rounds == 1 ? SpeedupTable.of(ComparisonRow.BASELINE, entries) : sideBySide.table();
        outputFiles.commit(table, summaries);
        if (timesToPrint[0] != null) {
            BenchmarkResult only = timesToPrint[0];
            out.print(JsonOutput.forStdout(TimesJson.toJson(only.measured(), only.report().mode().dataTransfers())));
        } else if (summaryOnStdout()) {
            out.print(JsonOutput.forStdout(BenchmarkSummaryJson.oneLine(summaries, table)));
        } else if (stdout.table(table) != null) {
            out.print(stdout.table(table)); // the file's text: a script reads what it would read from the file
        }
        if (textReport() && table != null) {
            out.println();
            out.print(SpeedupTableText.markdown(table));
        }
        out.flush();
        return 0;
    }

    /**
     * A shorter run, once timing began: bench holds every measured query's time (about 100 bytes each) until its run
     * ends, so memory grows with the queries one run makes; a smaller batch would only make more of them. Before
     * (a model too large for the heap, read to plan the runs) the general advice holds.
     */
    @Override
    public String outOfMemoryHint() {
        return timingStarted ? "a shorter --duration: every query's time is held until its run ends" : null;
    }

    private boolean profiling() {
        return dumpProfile || exportProfile != null;
    }

    /**
     * {@code --json /dev/stdout} is how many ask for standard output; the general refusal of stream paths would tell
     * them to name a file, where these options take {@code -}. {@link StreamPaths} decides, so every spelling of
     * standard output (/dev/fd/1, /dev/../dev/stdout, a link to it) gets the hint, not only the common three.
     */
    private static void requireDashForStandardOutput(String option, String value) {
        if (value != null && namesStandardOutput(value)) {
            throw new InvalidOptionException(option + " " + value + ": give " + option + " - to write to standard "
                    + "output (trt4j writes files through a temporary file, which a stream cannot take)");
        }
    }

    private static boolean namesStandardOutput(String value) {
        try {
            return StreamPaths.isStandardOutput(Path.of(value));
        } catch (InvalidPathException e) {
            return false; // not a path at all: the write names what is wrong with it
        }
    }

    /** Whether the timed runs began: the out-of-memory hint is about them. */
    private volatile boolean timingStarted;

    void startTiming() {
        timingStarted = true;
    }

    /** What stdout carries, decided before anything else is checked. */
    private BenchStdout stdout;

    private boolean summaryOnStdout() {
        return stdout.holds("--summary-json");
    }

    private boolean timesOnStdout() {
        return stdout.holds("--json");
    }

    /** Whether stdout carries the text report, not one of the documents that replace it. */
    private boolean textReport() {
        return stdout.textReport();
    }

    /** The file a table option names, or null where it is not given or prints on stdout. */
    private Path fileOf(String option, Path file) {
        return stdout.holds(option) ? null : file;
    }

    private List<BenchRun> plan() {
        if ((file == null) == compare.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give either ENGINE|MODEL or --compare");
        }
        if (compare.isEmpty() && (markdown != null || csv != null || tableJson != null)) {
            throw new ParameterException(spec.commandLine(), "--markdown, --csv and --table-json need --compare");
        }
        if (rounds > 1 && compare.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--rounds needs --compare");
        }
        if (rounds > 1 && json != null) {
            throw new ParameterException(spec.commandLine(), "--json writes one run per file; it cannot be used with "
                    + "--rounds");
        }
        List<Integer> sizes = batches.isEmpty() ? List.of(0) : batches;
        List<BenchRun> runs = new ArrayList<>();
        if (file != null) {
            sizes.forEach(b -> runs.add(new BenchRun(file.toString(), "", file, b)));
            return runs;
        }
        Set<String> models = new HashSet<>();
        for (String c : compare) {
            ComparisonRow row = ComparisonRow.parse(c);
            if (!models.add(row.model())) {
                throw new ParameterException(spec.commandLine(), "--compare: model '" + row.model() + "' is given in "
                        + "two rows; name each row with model=NAME");
            }
            for (int b : sizes) {
                row.files().forEach((precision, f) -> runs.add(new BenchRun(row.model(), precision, f, b)));
            }
        }
        return runs;
    }

    private TimingSettings timing() {
        try {
            return TimingSettings.builder().warmUpMs(warmUpMs).minWarmUpQueries(warmUpQueries)
                    .minIterations(iterations).durationMs(durationS * 1000).percentiles(percentiles)
                    .cudaGraph(!noCudaGraph).spinWait(!noSpinWait).dataTransfers(includeTransfers)
                    .pipelineDepth(oneAtATime ? 1 : 2).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private BenchInputs inputs() {
        if (tokenizer != null && (inputs.equals("random") || inputs.equals("zeros"))) {
            throw new InvalidOptionException("--tokenizer reads the text that --inputs names, but --inputs is "
                    + inputs + ": give --inputs FILE.txt, or --inputs tokenizer.json for the bundled sentences");
        }
        if (inputs.isBlank()) {
            // an unset shell variable: Path.of("") is the working folder, which would be read as data
            throw new InvalidOptionException("--inputs is empty; give random, zeros, or the data to feed");
        }
        if (tokenizer != null && !Files.isRegularFile(tokenizer)) {
            // checked whatever the data: an .npz would never read it, and the typo would pass unseen
            throw new Trt4jException(tokenizer + ": no such tokenizer file (--tokenizer)");
        }
        if (!inputs.equals("random") && !inputs.equals("zeros") && !Files.exists(Path.of(inputs))) {
            throw new Trt4jException(inputs + ": no such file or folder (--inputs takes random, zeros, or the data "
                    + "to feed)");
        }
        return switch (inputs) {
            case "random" -> BenchInputs.random(0);
            case "zeros" -> BenchInputs.zeros();
            default -> BenchInputs.fromData(Path.of(inputs), tokenizer);
        };
    }
}
