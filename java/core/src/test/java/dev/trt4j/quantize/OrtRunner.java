package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs ONNX models with ONNX Runtime on CPU for tests. */
final class OrtRunner implements AutoCloseable {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtRunner(ModelProto model) throws OrtException {
        this(model, true);
    }

    private OrtRunner(ModelProto model, boolean optimised) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            if (!optimised) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            }
            this.session = ENV.createSession(model.toByteArray(), options);
        }
    }

    /**
     * Runs {@code model} without ONNX Runtime's graph optimisations, which would fuse Q/DQ pairs into integer kernels
     * that round differently: the arithmetic TensorRT reproduces, and that bias correction measures.
     */
    static OrtRunner unoptimised(ModelProto model) throws OrtException {
        return new OrtRunner(model, false);
    }

    /** Runs with one float input and returns every requested output, flattened. */
    Map<String, float[]> run(String input, float[] data, long[] shape, List<String> outputs) throws OrtException {
        Map<String, float[]> result = new LinkedHashMap<>();
        try (OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), shape);
             OrtSession.Result r = session.run(Map.of(input, t), new java.util.HashSet<>(outputs))) {
            for (String o : outputs) {
                OnnxValue v = r.get(o).orElseThrow();
                FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                float[] a = new float[fb.remaining()];
                fb.get(a);
                result.put(o, a);
            }
        }
        return result;
    }

    float[] run(String input, float[] data, long[] shape, String output) throws OrtException {
        return run(input, data, shape, List.of(output)).get(output);
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    /** Runs {@code model} once on {@code data} and returns {@code output}. */
    static float[] runOnce(ModelProto model, String input, float[] data, long[] shape, String output)
            throws OrtException {
        try (OrtRunner r = new OrtRunner(model)) {
            return r.run(input, data, shape, output);
        }
    }

    /**
     * Max |x| of each named tensor over the given inputs: the tensors are exposed as extra graph outputs and
     * the FP32 model is run on every sample (the simplest max calibration).
     */
    static Map<String, Float> maxPass(ModelProto model, String input, List<float[]> samples, long[] shape,
                                      List<String> tensors) throws OrtException {
        ModelProto.Builder b = model.toBuilder();
        java.util.Set<String> existing = new java.util.HashSet<>();
        b.getGraph().getOutputList().forEach(o -> existing.add(o.getName()));
        for (String t : tensors) {
            if (!existing.contains(t)) {
                b.getGraphBuilder().addOutput(ModelBuilder.valueInfo(t, TensorProto.DataType.FLOAT_VALUE, null));
            }
        }
        Map<String, Float> amax = new HashMap<>();
        try (OrtRunner r = new OrtRunner(b.build())) {
            for (float[] s : samples) {
                Map<String, float[]> out = r.run(input, s, shape, tensors);
                for (String t : tensors) {
                    float m = amax.getOrDefault(t, 0f);
                    for (float v : out.get(t)) {
                        m = Math.max(m, Math.abs(v));
                    }
                    amax.put(t, m);
                }
            }
        }
        return amax;
    }
}
