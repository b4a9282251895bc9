package dev.trt4j.benchmark.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.Trt4jException;
import dev.trt4j.benchmark.BenchShapes;
import dev.trt4j.benchmark.BenchmarkBackend;
import dev.trt4j.benchmark.BenchmarkRequest;
import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.engine.Availability;
import dev.trt4j.io.TemporaryFolder;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.WeightlessModel;
import dev.trt4j.ort.OrtErrorText;
import dev.trt4j.ort.OrtRunFailure;
import dev.trt4j.ort.OrtRuntime;
import dev.trt4j.ort.TokenInputLimits;
import dev.trt4j.quantize.OperatorCheck;
import dev.trt4j.runtime.InputChecker;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import dev.trt4j.timing.LayerProfile;
import dev.trt4j.timing.MeasuredTraces;
import dev.trt4j.timing.PerformanceReport;
import dev.trt4j.timing.PipelinedTimingLoop;
import dev.trt4j.timing.TimingMode;
import dev.trt4j.timing.TimingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code onnxruntime} benchmark: an ONNX model on the CPU, timed with the wall clock around each synchronous
 * {@code OrtSession.run}, one query at a time, on a stated number of intra-op threads (inter-op parallelism off).
 * Warm-up, stop rule and statistics are trtexec's; with no device timeline, compute time is the whole run and the
 * copy phases are 0.
 */
public final class OrtCpuBenchmark implements BenchmarkBackend {
    /** This backend's name. */
    public static final String NAME = "onnxruntime";
    private static final Logger LOG = LoggerFactory.getLogger(OrtCpuBenchmark.class);

    /** Instantiated by {@link java.util.ServiceLoader}. */
    public OrtCpuBenchmark() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return OrtRuntime.availability();
    }

    @Override
    public BenchmarkResult run(BenchmarkRequest request) {
        String model = request.file().toString();
        requireFile(request);
        int threads = request.cpuThreads();
        OrtEnvironment env = OrtRuntime.environment();
        try (OrtSession.SessionOptions options = sessionOptions(threads)) {
            try (OrtSession session = load(model, options)) {
                return run(request, model, env, session, threads);
            }
        } catch (OrtException e) {
            throw failure(model, e);
        }
    }

    @Override
    public boolean profilesLayers() {
        return true;
    }

    /**
     * Profiles with ONNX Runtime's own profiler, whose file goes to a temporary folder and is deleted once read. The
     * layers are the nodes of the graph ONNX Runtime optimised (fused nodes under their new names).
     */
    @Override
    public LayerProfile profileLayers(BenchmarkRequest request) {
        String model = request.file().toString();
        requireFile(request);
        OrtEnvironment env = OrtRuntime.environment();
        try (TemporaryFolder dir = TemporaryFolder.create("trt4j-ort-profile");
             OrtSession.SessionOptions options = sessionOptions(request.cpuThreads())) {
            options.enableProfiling(dir.path().resolve("profile").toString());
            String written;
            int queries = request.timing().minIterations();
            try (OrtSession session = load(model, options)) {
                Feed feed = Feed.of(request, model, session);
                try (OrtTimedInference inference = open(model, env, session, feed)) {
                    int warmUp = Math.max(1, request.timing().minWarmUpQueries());
                    for (int i = 0; i < warmUp + queries; i++) {
                        inference.enqueue(0);
                    }
                }
                written = session.endProfiling();
            }
            return OrtProfileReader.read(Files.readString(Path.of(written)), queries, model);
        } catch (OrtException e) {
            throw failure(model, e);
        } catch (IOException e) {
            throw new Trt4jException(model + ": cannot read ONNX Runtime's profile: " + e.getMessage(), e);
        }
    }

    /** The shapes a request resolves to on this session's inputs, and the checked input values of those shapes. */
    private record Feed(List<TensorSpec> specs, Map<String, long[]> shapes, Map<String, HostTensor> inputs) {
        static Feed of(BenchmarkRequest request, String model, OrtSession session) throws OrtException {
            List<TensorSpec> specs = OrtInputSpecs.of(model, session);
            Map<String, long[]> shapes = BenchShapes.resolve(model, specs, request.batch(), request.shapes());
            Map<String, HostTensor> inputs = request.inputs().create(specs, shapes);
            InputChecker.check(model, specs, inputs);
            return new Feed(specs, shapes, inputs);
        }
    }

    private static void requireFile(BenchmarkRequest request) {
        OnnxModel.requireFile(request.file());
    }

    private static OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions options = OrtRuntime.sessionOptions();
        try {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /** The session, or the load failure in the words every command uses (the node and operator refused). */
    private static OrtSession load(String model, OrtSession.SessionOptions options) {
        try {
            return OrtRuntime.createSession(java.nio.file.Path.of(model), options,
                    OrtSession.SessionOptions.OptLevel.ALL_OPT);
        } catch (OrtException e) {
            pluginNode(model, e);
            throw new Trt4jException(model + ": ONNX Runtime cannot load the model: " + OrtErrorText.of(e.getMessage()),
                    e);
        }
    }

    /**
     * Where ONNX Runtime refused an operator of a domain it does not know ("Fatal error: my.plugins:MyPlugin(-1) is
     * not a registered function/op"), the node that has it, named as every command names it. Asked only then, of the
     * graph without its weights: a run that loads pays nothing.
     */
    private static void pluginNode(String model, OrtException e) {
        if (!String.valueOf(e.getMessage()).contains("is not a registered function/op")) {
            return;
        }
        Path file = Path.of(model);
        ModelProto graph;
        try {
            graph = WeightlessModel.read(file);
        } catch (IOException | RuntimeException unread) {
            return; // ONNX Runtime's own words, below
        }
        OperatorCheck.require(graph, String.valueOf(file.getFileName()), "bench --backend onnxruntime runs it");
    }

    /** The timed inference, whose first run, untimed, fails where the inputs do not suit the model. */
    private static OrtTimedInference open(String model, OrtEnvironment env, OrtSession session, Feed feed)
            throws OrtException {
        try {
            return new OrtTimedInference(model, env, session, feed.inputs());
        } catch (OrtException e) {
            // token ids past the word table, or a sequence past the position table, fail deep in the graph
            throw new TokenInputLimits(Path.of(model)).explain(model,
                            feed.specs().stream().map(TensorSpec::name).toList(), feed.inputs())
                    .map(why -> new Trt4jException(why, e))
                    .orElseGet(() -> OrtRunFailure.of(model, feed.inputs(), e));
        }
    }

    private static Trt4jException failure(String model, OrtException e) {
        return new Trt4jException(model + ": ONNX Runtime: " + OrtErrorText.of(e.getMessage()), e);
    }

    private static BenchmarkResult run(BenchmarkRequest request, String model, OrtEnvironment env,
                                       OrtSession session, int threads) throws OrtException {
        Feed feed = Feed.of(request, model, session);
        Map<String, long[]> shapes = feed.shapes();
        // a CPU run is synchronous: one query at a time, whatever the GPU pipeline depth says
        TimingSettings timing = request.timing().toBuilder().pipelineDepth(1).build();
        LOG.debug("Timing {} on ONNX Runtime (CPU, {} threads), inputs {} ({})", model, threads,
                BenchShapes.text(shapes), request.inputs().describe());
        try (OrtTimedInference inference = open(model, env, session, feed)) {
            MeasuredTraces traces = PipelinedTimingLoop.run(inference, timing).split();
            int batch = BenchShapes.batch(feed.specs(), shapes);
            PerformanceReport report = PerformanceReport.of(traces, batch, timing.percentiles(),
                    TimingMode.cpu(threads));
            return new BenchmarkResult(NAME, request.file(), shapes, request.inputs().describe(), report,
                    traces.measured());
        }
    }
}
