package dev.trt4j.e2e;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibration.AmaxTableCalculator;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtRuntime;
import dev.trt4j.quantize.Fp16Converter;
import dev.trt4j.quantize.Fp16Emulation;
import dev.trt4j.quantize.OpsetUpgrade;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.quantize.QuantizationTarget;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.tensor.HostTensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;


/**
 * Runs one case of ONNX's operator tests (a folder with {@code model.onnx} and {@code test_data_set_0}) through one
 * transformation: the opset upgrade, FP16 conversion, either Q/DQ layout, or activation statistics with all four
 * methods. The transformed model must either be refused with a {@link Trt4jException} or load in ONNX Runtime and
 * reproduce the reference outputs within the transformation's tolerance; anything else (another exception, a model
 * ONNX Runtime rejects, a wrong result) is a failure. {@link OnnxOperatorSubsetTest} runs the bundled subset,
 * {@link OnnxOperatorConformanceTest} all 1,072 cases.
 */
final class OperatorCaseSweep {
    enum Mode {
        OPSET_13(1e-4), FP16(0.02), INT8_TENSORRT(0.1), INT8_ONNXRUNTIME_CPU(0.1),
        /** Every float activation's statistics, then all four methods; the max method must equal max |x|. */
        STATISTICS(0);

        /** Largest error allowed, relative to the largest expected magnitude of an output. */
        final double tolerance;

        Mode(double tolerance) {
            this.tolerance = tolerance;
        }
    }

    enum Verdict { CHECKED, REFUSED, NOT_APPLICABLE, FAILED }

    record Outcome(Verdict verdict, String detail) {
    }

    /** Verdicts of a run: counts, one line per case, and the failures. */
    record Summary(Map<Verdict, Integer> counts, List<String> lines, List<String> failures) {
        int checked() {
            return counts.getOrDefault(Verdict.CHECKED, 0);
        }
    }

    private OperatorCaseSweep() {
    }

    /** The cases (folders holding {@code model.onnx}) of {@code suites} under {@code root}, sorted. */
    static List<Path> cases(Path root, List<String> suites) throws IOException {
        List<Path> cases = new ArrayList<>();
        for (String suite : suites) {
            try (Stream<Path> s = Files.list(root.resolve(suite))) {
                s.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).sorted().forEach(cases::add);
            }
        }
        return cases;
    }

    /** Runs every case through {@code mode}, writing the verdicts to {@code report} when it is not null. */
    static Summary run(List<Path> cases, Mode mode, Path report) throws IOException {
        Map<Verdict, Integer> counts = new TreeMap<>();
        List<String> lines = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path dir : cases) {
            Outcome o = sweepOne(dir, mode);
            counts.merge(o.verdict(), 1, Integer::sum);
            String line = dir.getParent().getFileName() + "/" + dir.getFileName() + "\t" + o.verdict()
                    + (o.detail().isEmpty() ? "" : "\t" + o.detail());
            lines.add(line);
            if (o.verdict() == Verdict.FAILED) {
                failures.add(line);
            }
        }
        if (report != null) {
            List<String> out = new ArrayList<>(lines);
            out.add("# " + counts);
            Files.createDirectories(report.getParent());
            Files.write(report, out);
        }
        return new Summary(counts, lines, failures);
    }

    static Outcome sweepOne(Path dir, Mode mode) {
        try {
            ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
            Path data = dir.resolve("test_data_set_0");
            List<TensorProto> inputs = tensors(data, "input_");
            if (inputs.stream().noneMatch(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE)) {
                return new Outcome(Verdict.NOT_APPLICABLE, "no float input");
            }
            if (mode == Mode.STATISTICS) {
                return statistics(proto, inputs, dir);
            }
            // The reference is what ONNX Runtime computes for the original, which also covers random operators and
            // ONNX Runtime's own readings of the spec; where it cannot run the original (opsets it no longer
            // reads), the case's expected outputs are.
            float[][] reference;
            boolean ortRunsOriginal = true;
            try {
                reference = run(proto.toByteArray(), proto, inputs, true);
            } catch (OrtException e) {
                reference = expected(tensors(data, "output_"));
                ortRunsOriginal = false;
            }
            if (reference == null) {
                return new Outcome(Verdict.NOT_APPLICABLE, "no float output");
            }
            ModelProto candidate;
            try {
                candidate = transform(proto, inputs, mode, dir);
            } catch (Trt4jException e) {
                return refused(e.getMessage());
            }
            if (candidate == null) {
                return new Outcome(Verdict.NOT_APPLICABLE, "nothing to transform");
            }
            float[][] actual;
            try {
                // The TensorRT layout runs as written, as `trt4j evaluate` runs it: ONNX Runtime's fused integer
                // kernels are another runtime's arithmetic (on AVX2, INT8 weights saturate in their int16 sums).
                actual = run(candidate.toByteArray(), candidate, inputs, mode != Mode.INT8_TENSORRT);
            } catch (OrtException e) {
                return ortRunsOriginal
                        ? new Outcome(Verdict.FAILED, "ONNX Runtime rejects the result: " + firstLine(e.getMessage()))
                        : new Outcome(Verdict.NOT_APPLICABLE, "ONNX Runtime runs neither the original nor the result");
            }
            double error = relativeError(reference, actual);
            return error <= mode.tolerance ? new Outcome(Verdict.CHECKED, String.format(java.util.Locale.ROOT, "%.3g", error))
                    : new Outcome(Verdict.FAILED, String.format(java.util.Locale.ROOT, "relative error %.3g", error));
        } catch (Exception | LinkageError e) {
            return new Outcome(Verdict.FAILED, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    /**
     * Collects every float activation of the case over its inputs (one batch) as {@code calibrate --all-tensors}
     * does, computes all four methods' ranges, and checks the max method against max |x| read from ONNX Runtime.
     */
    private static Outcome statistics(ModelProto proto, List<TensorProto> inputs, Path dir) throws Exception {
        OnnxModel model;
        try {
            model = OnnxModel.fromProto(proto, dir.resolve("model.onnx"));
        } catch (Trt4jException e) {
            return refused(e.getMessage());
        }
        List<String> tensors = model.allActivationTensors();
        Batch batch;
        try {
            batch = batchOf(proto, inputs);
        } catch (OrtException e) {
            batch = null; // an input type the sweep does not feed
        }
        if (tensors.isEmpty() || batch == null) {
            return new Outcome(Verdict.NOT_APPLICABLE, tensors.isEmpty() ? "no float activation"
                    : "inputs without a common batch dimension, or not float/int64/int32");
        }
        Map<String, Float> expected = new HashMap<>();
        try (OrtSession session = OrtRuntime.environment().createSession(model.withExtraOutputs(tensors));
             Feed feed = new Feed(proto, inputs);
             OrtSession.Result r = session.run(feed.tensors)) {
            for (String name : tensors) {
                expected.put(name, maxAbs(r.get(name).orElseThrow().getValue()));
            }
        } catch (OrtException e) {
            return new Outcome(Verdict.NOT_APPLICABLE, "ONNX Runtime does not run the original");
        }
        ActivationStatistics stats;
        try {
            stats = new ActivationStatisticsCollector(model, tensors, StatisticsOptions.defaults())
                    .collect(new OneBatch(batch));
        } catch (Trt4jException | CalibrationException e) {
            return refused(e.getMessage());
        }
        List<CalibrationTable> tables = new ArrayList<>();
        for (String method : List.of("max", "entropy", "percentile", "mse")) {
            try {
                tables.add(AmaxTableCalculator.compute(stats, MethodSpec.parse(method, CalibrationOptions.defaults()),
                        dir.resolve("model.onnx")));
            } catch (Trt4jException | CalibrationException e) {
                return refused(e.getMessage() == null ? null : method + ": " + e.getMessage());
            }
        }
        for (String name : tensors) {
            float want = expected.get(name);
            Float got = tables.get(0).amaxByTensor().get(name);
            if (want > 0 && Float.isFinite(want) && (got == null || got != want)) {
                return new Outcome(Verdict.FAILED, "max of '" + name + "' is " + got + ", ONNX Runtime's max |x| "
                        + want);
            }
            // the histogram methods clip: a range from 0 to the histogram's last edge, which covers max |x|
            float lastEdge = stats.tensor(name).map(t -> t.histogram().edge(t.histogram().numBins())).orElse(0f);
            for (CalibrationTable t : tables.subList(1, tables.size())) {
                Float clipped = t.amaxByTensor().get(name);
                if (want > 0 && Float.isFinite(want) && (clipped == null || !(clipped >= 0) || clipped > lastEdge)) {
                    return new Outcome(Verdict.FAILED, t.provenance().method() + " range of '" + name + "' is "
                            + clipped + ", outside [0, " + lastEdge + "]");
                }
            }
        }
        return new Outcome(Verdict.CHECKED, tensors.size() + " tensors");
    }

    /** A refusal, as trt4j must give it: one line that says something; anything else fails the case. */
    private static Outcome refused(String message) {
        if (message == null || message.isBlank() || message.contains("\n") || message.contains("\r")) {
            return new Outcome(Verdict.FAILED, "refused without one line: " + message);
        }
        return new Outcome(Verdict.REFUSED, message);
    }

    /** The case's inputs as one batch, or null unless every input is float, int64 or int32 with one batch size. */
    private static Batch batchOf(ModelProto proto, List<TensorProto> inputs) throws OrtException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        Set<Long> sizes = new HashSet<>();
        try (Feed feed = new Feed(proto, inputs)) {
            for (Map.Entry<String, OnnxTensor> e : feed.tensors.entrySet()) {
                OnnxTensor t = e.getValue();
                long[] shape = t.getInfo().getShape();
                if (shape.length == 0) {
                    return null;
                }
                sizes.add(shape[0]);
                HostTensor h = switch (t.getInfo().type) {
                    case FLOAT -> HostTensor.ofFloats(shape, flat(t.getFloatBuffer()));
                    case INT64 -> HostTensor.ofLongs(shape, copy(t.getLongBuffer()));
                    case INT32 -> HostTensor.ofInts(shape, copy(t.getIntBuffer()));
                    default -> null;
                };
                if (h == null) {
                    return null;
                }
                tensors.put(e.getKey(), h);
            }
        }
        if (sizes.size() != 1 || sizes.iterator().next() < 1) {
            return null;
        }
        return new Batch(Math.toIntExact(sizes.iterator().next()), tensors);
    }

    private static float[] flat(FloatBuffer b) {
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    private static long[] copy(java.nio.LongBuffer b) {
        long[] a = new long[b.remaining()];
        b.get(a);
        return a;
    }

    private static int[] copy(java.nio.IntBuffer b) {
        int[] a = new int[b.remaining()];
        b.get(a);
        return a;
    }

    /** One batch held in memory. */
    private static final class OneBatch implements CalibrationDataSource {
        private Batch batch;

        OneBatch(Batch batch) {
            this.batch = batch;
        }

        @Override
        public Optional<Batch> next() {
            Optional<Batch> b = Optional.ofNullable(batch);
            batch = null;
            return b;
        }

        @Override
        public String describe() {
            return "the case's inputs";
        }
    }

    /** The transformed model, or null when there is nothing to transform. */
    private static ModelProto transform(ModelProto proto, List<TensorProto> inputs, Mode mode, Path dir)
            throws OrtException {
        if (mode == Mode.OPSET_13) {
            return OpsetUpgrade.defaultOpset(proto) >= OpsetUpgrade.TARGET ? null : OpsetUpgrade.toTarget(proto);
        }
        if (mode == Mode.FP16) {
            // Emulated, as evaluate runs it: ONNX Runtime's CPU alone would skip most of the FP16 rounding.
            return Fp16Emulation.emulate(new Fp16Converter().convert(proto).model());
        }
        QuantizationTarget target = mode == Mode.INT8_TENSORRT ? QuantizationTarget.TENSORRT
                : QuantizationTarget.ONNXRUNTIME_CPU;
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.builder().target(target)
                .opTypes(QuantizationConfig.SUPPORTED_OP_TYPES).reduceRange(target == QuantizationTarget.ONNXRUNTIME_CPU)
                .skipDepthwise(false).build());
        List<String> needed = quantizer.requiredActivations(proto);
        if (needed.isEmpty()) {
            return null;
        }
        // The ranges: the largest magnitude of each tensor on the case's own inputs.
        // Ranges from the model as the quantizer will see it: below opset 10 it is raised first (names are kept).
        ModelProto measured = OpsetUpgrade.defaultOpset(proto) < 10 ? OpsetUpgrade.toTarget(proto) : proto;
        OnnxModel model = OnnxModel.fromProto(measured, dir.resolve("model.onnx"));
        Map<String, Float> amax = new HashMap<>();
        try (OrtSession session = OrtRuntime.environment().createSession(model.withExtraOutputs(needed));
             Feed feed = new Feed(proto, inputs);
             OrtSession.Result r = session.run(feed.tensors)) {
            for (String name : needed) {
                float m = maxAbs(r.get(name).orElseThrow().getValue());
                amax.put(name, m > 0 ? m : 1f);
            }
        }
        return quantizer.quantize(proto, amax).model();
    }

    /**
     * The outputs of {@code model} on {@code inputs}, float outputs only (others null); null if none is float.
     * {@code optimized}: with ONNX Runtime's graph optimisations (its default), else as written.
     */
    private static float[][] run(byte[] bytes, ModelProto proto, List<TensorProto> inputs, boolean optimized)
            throws OrtException {
        OrtEnvironment env = OrtRuntime.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            if (!optimized) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            }
            try (OrtSession session = env.createSession(bytes, options);
                 Feed feed = new Feed(proto, inputs);
                 OrtSession.Result r = session.run(feed.tensors)) {
                float[][] out = new float[r.size()][];
                boolean any = false;
                for (int k = 0; k < r.size(); k++) {
                    OnnxValue v = r.get(k);
                    if (v instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT) {
                        FloatBuffer b = t.getFloatBuffer();
                        out[k] = new float[b.remaining()];
                        b.get(out[k]);
                        any = true;
                    }
                }
                return any ? out : null;
            }
        }
    }

    /** The float outputs among a case's expected outputs (others null), or null if none is float. */
    private static float[][] expected(List<TensorProto> outputs) {
        float[][] out = new float[outputs.size()][];
        boolean any = false;
        for (int k = 0; k < outputs.size(); k++) {
            TensorProto t = outputs.get(k);
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                if (t.getRawData().isEmpty()) {
                    out[k] = new float[t.getFloatDataCount()];
                    for (int i = 0; i < out[k].length; i++) {
                        out[k][i] = t.getFloatData(i);
                    }
                } else {
                    FloatBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer();
                    out[k] = new float[b.remaining()];
                    b.get(out[k]);
                }
                any = true;
            }
        }
        return any ? out : null;
    }

    /**
     * Largest absolute error of any float output over its largest expected magnitude. A NaN where a number was
     * expected gives NaN, a number where NaN was expected gives infinity.
     */
    static double relativeError(float[][] expected, float[][] actual) {
        double worst = 0;
        for (int k = 0; k < expected.length; k++) {
            if (expected[k] == null) {
                continue;
            }
            if (actual[k] == null || actual[k].length != expected[k].length) {
                return Double.POSITIVE_INFINITY;
            }
            double magnitude = 1e-3;
            double error = 0;
            for (int i = 0; i < expected[k].length; i++) {
                float want = expected[k][i];
                float got = actual[k][i];
                if (Float.isNaN(want) || Float.isNaN(got)) {
                    if (Float.isNaN(want) != Float.isNaN(got)) {
                        return Float.isNaN(got) ? Double.NaN : Double.POSITIVE_INFINITY;
                    }
                    continue;
                }
                magnitude = Math.max(magnitude, Math.abs(want));
                error = Math.max(error, Math.abs((double) want - got));
            }
            worst = Math.max(worst, error / magnitude);
        }
        return worst;
    }

    private static float maxAbs(Object value) {
        if (value instanceof float[] a) {
            float m = 0;
            for (float x : a) {
                m = Math.max(m, Math.abs(x));
            }
            return m;
        }
        if (value instanceof Object[] a) {
            float m = 0;
            for (Object o : a) {
                m = Math.max(m, maxAbs(o));
            }
            return m;
        }
        return value instanceof Float f ? Math.abs(f) : 1f;
    }

    private static List<TensorProto> tensors(Path folder, String prefix) throws IOException {
        List<TensorProto> out = new ArrayList<>();
        for (int i = 0; Files.exists(folder.resolve(prefix + i + ".pb")); i++) {
            out.add(TensorProto.parseFrom(Files.readAllBytes(folder.resolve(prefix + i + ".pb"))));
        }
        return out;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** The case's inputs as ONNX Runtime tensors, bound to the graph's inputs in order. */
    private static final class Feed implements AutoCloseable {
        final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

        Feed(ModelProto proto, List<TensorProto> inputs) throws OrtException {
            Set<String> initializers = new HashSet<>();
            proto.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
            List<String> names = proto.getGraph().getInputList().stream().map(ValueInfoProto::getName)
                    .filter(n -> !initializers.contains(n)).toList();
            try {
                for (int i = 0; i < inputs.size(); i++) {
                    TensorProto t = inputs.get(i);
                    String name = t.getName().isEmpty() ? names.get(i) : t.getName();
                    tensors.put(name, tensor(t));
                }
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }

        private static OnnxTensor tensor(TensorProto t) throws OrtException {
            long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            OrtEnvironment env = OrtRuntime.environment();
            ByteBuffer raw = ByteBuffer.allocateDirect(t.getRawData().size()).order(ByteOrder.LITTLE_ENDIAN);
            raw.put(t.getRawData().asReadOnlyByteBuffer()).rewind();
            return switch (t.getDataType()) {
                case TensorProto.DataType.FLOAT_VALUE -> t.getRawData().isEmpty()
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(floats(t)), shape)
                        : OnnxTensor.createTensor(env, raw, shape, OnnxJavaType.FLOAT);
                case TensorProto.DataType.INT64_VALUE -> t.getRawData().isEmpty()
                        ? OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(
                                t.getInt64DataList().stream().mapToLong(Long::longValue).toArray()), shape)
                        : OnnxTensor.createTensor(env, raw, shape, OnnxJavaType.INT64);
                case TensorProto.DataType.INT32_VALUE -> t.getRawData().isEmpty()
                        ? OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(
                                t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray()), shape)
                        : OnnxTensor.createTensor(env, raw, shape, OnnxJavaType.INT32);
                case TensorProto.DataType.BOOL_VALUE -> OnnxTensor.createTensor(env, raw, shape, OnnxJavaType.BOOL);
                case TensorProto.DataType.INT8_VALUE -> OnnxTensor.createTensor(env, raw, shape, OnnxJavaType.INT8);
                case TensorProto.DataType.UINT8_VALUE -> OnnxTensor.createTensor(env, raw, shape, OnnxJavaType.UINT8);
                case TensorProto.DataType.DOUBLE_VALUE -> OnnxTensor.createTensor(env, raw, shape,
                        OnnxJavaType.DOUBLE);
                default -> throw new OrtException("input type " + t.getDataType() + " is not fed by this sweep");
            };
        }

        private static float[] floats(TensorProto t) {
            float[] a = new float[t.getFloatDataCount()];
            for (int i = 0; i < a.length; i++) {
                a[i] = t.getFloatData(i);
            }
            return a;
        }

        @Override
        public void close() {
            tensors.values().forEach(OnnxTensor::close);
        }
    }
}
