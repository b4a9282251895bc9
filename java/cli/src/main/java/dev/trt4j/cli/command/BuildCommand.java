package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.cli.ProgressReporter;
import dev.trt4j.cli.RangePassArgument;
import dev.trt4j.cli.StateFeedbackArguments;
import dev.trt4j.engine.ByteSize;
import dev.trt4j.engine.CalibratorChoice;
import dev.trt4j.engine.EngineBuild;
import dev.trt4j.engine.EngineBuildRequest;
import dev.trt4j.engine.EngineBuilder;
import dev.trt4j.engine.EngineServices;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.Int8Mode;
import dev.trt4j.engine.ModelFacts;
import dev.trt4j.engine.OptimizationProfiles;
import dev.trt4j.engine.Precision;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.stats.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code trt4j build MODEL --precision fp32|fp16|int8 ... --out engines/NAME.engine}: builds a TensorRT engine
 * and its JSON sidecar. For implicit INT8 with trt4j's calibrators the ranges come from {@code --table},
 * {@code --cache}, or a CPU pass over the samples ({@code --data} and the other data options of
 * {@code calibrate}). The TensorRT backend is found at run time ({@code -Pgpu}); without it, or without a GPU,
 * the command fails with one line, reads no sample and writes nothing.
 */
@Command(name = "build", sortOptions = false, resourceBundle = "dev.trt4j.cli.command.BuildCommand",
        description = "Builds a TensorRT engine (plus NAME.engine.json sidecar) from an ONNX model.")
public final class BuildCommand implements Callable<Integer>, DataArguments.RepeatsShapes {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model.")
    private Path model;

    @Option(names = "--precision", required = true, paramLabel = "fp32|fp16|int8", description = "Engine precision.")
    private String precision;

    @Option(names = "--int8-mode", paramLabel = "implicit|explicit",
            description = "implicit: TensorRT 10 calibrator; explicit: strongly typed build of a Q/DQ model. Default: "
                    + "explicit for a model with Q/DQ nodes (unless calibrator options are given), implicit otherwise.")
    private String int8Mode;

    @Option(names = "--calibrator", paramLabel = "NAME",
            description = {"Where the INT8 ranges come from (default: the method a --table records or a --cache "
                    + "header names, else entropy).",
                "max, entropy, percentile or mse: trt4j's ranges, read from --table or --cache, else calibrated "
                    + "by trt4j on the CPU from --data (percentile at 99.99; for another P, calibrate and pass "
                    + "the table).",
                "trt-entropy2 or trt-minmax: TensorRT calibrates on the GPU from --data, or reuses --cache "
                    + "when it exists."})
    private String calibrator;

    @Option(names = "--table", paramLabel = "TABLE.json",
            description = "trt4j calibration table (as trt4j calibrate --all-tensors writes it).")
    private Path table;

    @Option(names = "--force", description = "Use a --table made for another model (its SHA-256 differs, or it records "
            + "none and names tensors the model lacks).")
    private boolean force;

    @Option(names = "--cache", paramLabel = "FILE",
            description = "TensorRT calibration cache: read for trt4j's calibrators; read if present and written for TensorRT's.")
    private Path cache;

    @Option(names = "--min-shapes", paramLabel = "SPEC", description = "Minimum shapes of a profile (repeat per profile).")
    private List<String> minShapes = new ArrayList<>();

    @Option(names = "--opt-shapes", paramLabel = "SPEC", description = "Optimal shapes of a profile (repeat per profile).")
    private List<String> optShapes = new ArrayList<>();

    @Option(names = "--max-shapes", paramLabel = "SPEC", description = "Maximum shapes of a profile (repeat per profile).")
    private List<String> maxShapes = new ArrayList<>();

    @Option(names = "--calib-profile", paramLabel = "N", defaultValue = "0",
            description = "Profile whose opt shapes calibration uses (default 0).")
    private int calibrationProfile;

    @Option(names = "--timing-cache", paramLabel = "FILE", description = "Timing cache to load, merge and save.")
    private Path timingCache;

    @Option(names = "--workspace", paramLabel = "SIZE", description = "Workspace limit, for example 1G or 512M (bare number: MiB).")
    private String workspace;

    @Option(names = "--opt-level", paramLabel = "0..5", description = "Builder optimization level (TensorRT default 3).")
    private Integer optimizationLevel;

    @Option(names = "--strongly-typed", description = "Strongly typed network (implied for explicit INT8 and FP16 models).")
    private boolean stronglyTyped;

    @Option(names = "--out", paramLabel = "FILE", description = "Engine file (default engines/MODEL.PRECISION.engine).")
    private Path out;

    @Mixin
    private DataArguments samples;

    @Mixin
    private StateFeedbackArguments feedback;

    @Mixin
    private RangePassArgument rangePass;

    private final Supplier<EngineBuilder> builders;

    /** A command that builds with the engine builder on the class path. */
    public BuildCommand() {
        this(EngineServices::engineBuilder);
    }

    /** A command that builds with {@code builders} (tests pass a fake). */
    public BuildCommand(Supplier<EngineBuilder> builders) {
        this.builders = builders;
    }

    @Override
    public Integer call() {
        Precision p = Precision.fromCli(precision);
        EngineBuildRequest.Builder request = EngineBuildRequest.builder(model, p)
                .profiles(OptimizationProfiles.fromOptions(samples.shapes(), minShapes, optShapes, maxShapes))
                .calibrationProfile(calibrationProfile).stronglyTyped(stronglyTyped);
        if (int8Mode != null) {
            request.int8Mode(Int8Mode.fromCli(int8Mode));
        }
        if (calibrator != null) {
            request.calibrator(CalibratorChoice.fromCli(calibrator));
        }
        if (table != null) {
            request.table(table);
        }
        if (cache != null) {
            request.calibrationCache(cache);
        }
        request.anyModelTable(force);
        if (samples.givesSamples()) {
            request.samples(samples.engineSamples());
        }
        request.feedback(feedback.feedback()).rangePass(rangePass.enabled());
        if (timingCache != null) {
            request.timingCache(timingCache);
        }
        if (workspace != null) {
            request.workspaceBytes(ByteSize.parse("--workspace", workspace));
        }
        if (optimizationLevel != null) {
            request.optimizationLevel(optimizationLevel);
        }
        EngineBuildRequest built = request.build();
        refuseUnreadSampleOptions(built);
        // after that: a --seq-len the build would not read is refused as such, not sent to a limit it does not need
        samples.requireSequenceLengthFits(model);
        samples.requireValid();
        if (p == Precision.INT8 && samples.givesSamples()) {
            // the samples are read only once TensorRT asks for them: a mistake in their options comes first
            OnnxModel onnx = OnnxModel.load(model);
            samples.requireFitsModel(onnx.inputs(), onnx.outputs());
        }
        Path engine = out != null ? out : EngineBuild.defaultOutput(model, p);
        try (PassProgress progress = new PassProgress()) {
            report(EngineBuild.run(built, engine, builders, progress));
        }
        return 0;
    }

    /**
     * The sample options (--samples, --batch, --seed, preprocessing...) are read only when the build reads samples;
     * accepted otherwise, they would look like they shaped an engine they never touched. --shapes is not one of
     * them: it also sets the optimization profile.
     */
    private void refuseUnreadSampleOptions(EngineBuildRequest built) {
        OptionSpec given = spec.mixins().get("samples").options().stream()
                .filter(o -> !o.longestName().equals("--shapes") && spec.commandLine().getParseResult().hasMatchedOption(o))
                .findFirst().orElse(null);
        if (given == null) {
            return;
        }
        // an INT8 build left to choose its mode builds a Q/DQ model explicitly: only then is the model read here
        Optional<Int8Mode> mode = built.int8Mode();
        if (built.precision() == Precision.INT8 && !built.int8ModeChosen()) {
            boolean qdq = ModelFacts.of(OnnxModel.load(model)).hasQdq();
            mode = built.int8ModeFor(qdq);
            if (qdq && mode.orElseThrow() == Int8Mode.IMPLICIT) {
                return; // calibrator options with a Q/DQ model: the plan refuses those, the first mistake to name
            }
        }
        boolean implicit = mode.filter(m -> m == Int8Mode.IMPLICIT).isPresent();
        boolean rangesGiven = built.tableFile().isPresent() || built.table().isPresent()
                || built.calibrationCache().isPresent();
        boolean trt4jRanges = built.calibrator().map(CalibratorChoice::isTrt4jAlgorithm).orElse(false);
        String why = built.precision() != Precision.INT8 ? "--precision " + built.precision().cliName()
                : !implicit ? (built.int8ModeChosen() ? "explicit INT8" : "explicit INT8: the model has Q/DQ nodes")
                : trt4jRanges && rangesGiven ? "the ranges come from --table or --cache" : null;
        if (why != null) {
            throw new InvalidOptionException(given.longestName() + " applies to the samples of implicit INT8 "
                    + "calibration, which this build does not read (" + why + ")");
        }
    }

    private void report(EngineBuild.Outcome outcome) {
        PrintWriter w = spec.commandLine().getOut();
        EngineSidecar s = outcome.metadata();
        w.printf(Locale.ROOT, "engine:   %s%n", outcome.engine());
        w.printf(Locale.ROOT, "sidecar:  %s%n", outcome.sidecar());
        w.printf(Locale.ROOT, "built:    %s%s with TensorRT %s for %s (SM %s)%n", s.precision(),
                s.int8Mode() == null ? "" : " " + s.int8Mode() + (s.calibrator() == null ? "" : " (" + s.calibrator() + ")"),
                s.tensorRtVersion(), s.gpuName(), s.computeCapability());
        outcome.ranges().ifPresent(r -> w.printf(Locale.ROOT, "ranges:   %s%n", r));
        outcome.calibrationCache().ifPresent(c -> w.printf(Locale.ROOT, "calibration cache: %s%n", c));
        outcome.timingCache().ifPresent(t -> w.printf(Locale.ROOT, "timing cache: %s%n", t));
        w.flush();
    }

    /** A progress bar for the CPU pass that computes trt4j's ranges, shown from its first batch to its last. */
    private static final class PassProgress implements ProgressListener, AutoCloseable {
        private ProgressReporter bar;

        @Override
        public void progress(long samplesDone, long samplesTotal) {
            if (bar == null) {
                bar = ProgressReporter.start("Calibrating", samplesTotal);
            }
            bar.update(samplesDone, samplesTotal);
            if (samplesTotal > 0 && samplesDone >= samplesTotal) {
                close();
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
