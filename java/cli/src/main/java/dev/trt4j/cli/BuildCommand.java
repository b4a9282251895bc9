package dev.trt4j.cli;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.engine.AmaxTableReader;
import dev.trt4j.engine.ByteSize;
import dev.trt4j.engine.CalibratorChoice;
import dev.trt4j.engine.EngineBuild;
import dev.trt4j.engine.EngineBuildRequest;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.Int8Mode;
import dev.trt4j.engine.OptimizationProfiles;
import dev.trt4j.engine.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code trt4j build MODEL --precision fp32|fp16|int8 ... --out engines/NAME.engine}: builds a TensorRT engine
 * and its JSON sidecar. The TensorRT backend is found at run time ({@code -Pgpu}); without it, or without a
 * GPU, the command fails with one line and writes nothing.
 */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build a TensorRT engine (plus NAME.engine.json sidecar) from an ONNX model.")
public final class BuildCommand implements Callable<Integer> {
    /** Opens {@code --data}; until the data sources are wired in, {@code --data} is refused with one line. */
    public static final Function<Path, CalibrationDataSource> NO_DATA_SOURCES = path -> {
        throw new Trt4jException("--data " + path + ": this trt4j has no calibration data sources wired into build");
    };

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model.")
    private Path model;

    @Option(names = "--precision", required = true, paramLabel = "fp32|fp16|int8", description = "Engine precision.")
    private String precision;

    @Option(names = "--int8-mode", paramLabel = "implicit|explicit",
            description = "implicit: TensorRT 10 calibrator (default); explicit: strongly typed build of a Q/DQ model.")
    private String int8Mode;

    @Option(names = "--calibrator", paramLabel = "NAME",
            description = "max|entropy|percentile|mse (trt4j's ranges, from --table or --cache) or "
                    + "trt-entropy2|trt-minmax (TensorRT calibrates on --data). Default: entropy.")
    private String calibrator;

    @Option(names = "--table", paramLabel = "TABLE.json", description = "trt4j calibration table (tensor -> amax).")
    private Path table;

    @Option(names = "--cache", paramLabel = "FILE",
            description = "TensorRT calibration cache: read for trt4j's calibrators; read if present and written for TensorRT's.")
    private Path cache;

    @Option(names = "--data", paramLabel = "PATH", description = "Sample batches for --calibrator trt-entropy2|trt-minmax.")
    private Path data;

    @Option(names = "--shapes", paramLabel = "SPEC", description = "Fixed shapes, e.g. x:1x3x48x192 (repeat for more profiles).")
    private List<String> shapes = new ArrayList<>();

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

    @Option(names = "--workspace", paramLabel = "SIZE", description = "Workspace limit, e.g. 1G or 512M (bare number: MiB).")
    private String workspace;

    @Option(names = "--opt-level", paramLabel = "0..5", description = "Builder optimization level (TensorRT default 3).")
    private Integer optimizationLevel;

    @Option(names = "--strongly-typed", description = "Strongly typed network (implied for explicit INT8 and FP16 models).")
    private boolean stronglyTyped;

    @Option(names = "--out", paramLabel = "FILE", description = "Engine file (default engines/MODEL.PRECISION.engine).")
    private Path out;

    private final Function<Path, CalibrationDataSource> dataSources;

    /** A command that refuses {@code --data} (see {@link #NO_DATA_SOURCES}). */
    public BuildCommand() {
        this(NO_DATA_SOURCES);
    }

    /** A command that opens {@code --data} with {@code dataSources}. */
    public BuildCommand(Function<Path, CalibrationDataSource> dataSources) {
        this.dataSources = dataSources;
    }

    @Override
    public Integer call() {
        Precision p = Precision.fromCli(precision);
        EngineBuildRequest.Builder request = EngineBuildRequest.builder(model, p)
                .profiles(OptimizationProfiles.fromOptions(shapes, minShapes, optShapes, maxShapes))
                .calibrationProfile(calibrationProfile).stronglyTyped(stronglyTyped);
        if (int8Mode != null) {
            request.int8Mode(Int8Mode.fromCli(int8Mode));
        }
        if (calibrator != null) {
            request.calibrator(CalibratorChoice.fromCli(calibrator));
        }
        if (table != null) {
            request.table(AmaxTableReader.read(table));
        }
        if (cache != null) {
            request.calibrationCache(cache);
        }
        if (timingCache != null) {
            request.timingCache(timingCache);
        }
        if (workspace != null) {
            request.workspaceBytes(ByteSize.parse("--workspace", workspace));
        }
        if (optimizationLevel != null) {
            request.optimizationLevel(optimizationLevel);
        }
        Path engine = out != null ? out : EngineBuild.defaultOutput(model, p);
        CalibrationDataSource source = data == null ? null : dataSources.apply(data);
        try {
            if (source != null) {
                request.data(source);
            }
            EngineBuild.Outcome outcome = EngineBuild.run(request.build(), engine);
            report(outcome);
            return 0;
        } finally {
            if (source != null) {
                source.close();
            }
        }
    }

    private void report(EngineBuild.Outcome outcome) {
        PrintWriter w = spec.commandLine().getOut();
        EngineSidecar s = outcome.metadata();
        w.printf("engine:   %s%n", outcome.engine());
        w.printf("sidecar:  %s%n", outcome.sidecar());
        w.printf("built:    %s%s with TensorRT %s for %s (SM %s)%n", s.precision(),
                s.int8Mode() == null ? "" : " " + s.int8Mode() + (s.calibrator() == null ? "" : " (" + s.calibrator() + ")"),
                s.tensorRtVersion(), s.gpuName(), s.computeCapability());
        outcome.calibrationCache().ifPresent(c -> w.printf("calibration cache: %s%n", c));
        outcome.timingCache().ifPresent(t -> w.printf("timing cache: %s%n", t));
        w.flush();
    }
}
