package dev.trt4j.benchmark.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.trt4j.Trt4jException;
import dev.trt4j.ort.ByteTensors;
import dev.trt4j.ort.OrtRunFailure;
import dev.trt4j.ort.OrtSpecs;
import dev.trt4j.ort.OrtTensorLimit;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import dev.trt4j.timing.InferenceTrace;
import dev.trt4j.timing.TimedInference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synchronous ONNX Runtime queries timed with {@link System#nanoTime()}: the inputs are ONNX Runtime tensors made
 * once, the outputs are pinned tensors made once after one untimed run, so a timed query is exactly one
 * {@code OrtSession.run} call. Owns the tensors (closed by {@link #close()}), not the session.
 */
final class OrtTimedInference implements TimedInference, AutoCloseable {
    private final String model;
    private final OrtSession session;
    private final Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
    /** Taken after the untimed first run: trtexec's warm-up clock starts at the timing loop, not before it. */
    private final long origin;
    private InferenceTrace last;

    OrtTimedInference(String model, OrtEnvironment env, OrtSession session, Map<String, HostTensor> inputs)
            throws OrtException {
        this.model = model;
        this.session = session;
        try {
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                TensorInfo info = (TensorInfo) e.getValue().getInfo();
                feed.put(e.getKey(), tensor(env, model + ": input '" + e.getKey() + "'", inputs.get(e.getKey()),
                        info.type));
            }
            requireDeclaredOutputsFit(model, session, inputs);
            try (OrtSession.Result first = session.run(feed)) {
                for (Map.Entry<String, OnnxValue> out : first) {
                    if (out.getValue() instanceof OnnxTensor t) {
                        TensorInfo info = t.getInfo();
                        // a shape the model left open: ONNX Runtime made it, a Java buffer cannot hold it
                        OrtSpecs.elementType(info.type).ifPresent(type -> OrtTensorLimit.requireOutputFits(model,
                                out.getKey(), info.getShape(), type));
                        ByteBuffer storage = ByteBuffer.allocateDirect(Math.toIntExact(info.getNumElements()
                                * info.type.size)).order(ByteOrder.nativeOrder());
                        pinned.put(out.getKey(), OnnxTensor.createTensor(env, storage, info.getShape(), info.type));
                    }
                }
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
        origin = System.nanoTime();
    }

    /** Refuses outputs the model declares too large at these inputs before ONNX Runtime makes them. */
    private static void requireDeclaredOutputsFit(String model, OrtSession session, Map<String, HostTensor> inputs)
            throws OrtException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        inputs.forEach((name, tensor) -> shapes.put(name, tensor.shape()));
        OrtTensorLimit.requireDeclaredOutputsFit(model, specs(session.getInputInfo()), specs(session.getOutputInfo()),
                shapes);
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> infos) {
        List<TensorSpec> specs = new ArrayList<>();
        for (NodeInfo node : infos.values()) {
            if (node.getInfo() instanceof TensorInfo t) {
                OrtSpecs.elementType(t.type).ifPresent(type -> specs.add(OrtSpecs.spec(node.getName(), type, t)));
            }
        }
        return specs;
    }

    private static OnnxTensor tensor(OrtEnvironment env, String what, HostTensor data, OnnxJavaType type)
            throws OrtException {
        long[] shape = data.shape();
        return switch (type) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(data.floats()), shape);
            case FLOAT16 -> OnnxTensor.createTensor(env,
                    Fp16Conversions.convertFloatBufferToFp16Buffer(FloatBuffer.wrap(data.floats())), shape,
                    OnnxJavaType.FLOAT16);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(longs(data)), shape);
            case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap(ints(data)), shape);
            case BOOL -> ByteTensors.create(env, what, data, dev.trt4j.tensor.ElementType.BOOL);
            case INT8 -> ByteTensors.create(env, what, data, dev.trt4j.tensor.ElementType.INT8);
            case UINT8 -> ByteTensors.create(env, what, data, dev.trt4j.tensor.ElementType.UINT8);
            default -> throw new Trt4jException("an input of type " + type + " cannot be benchmarked");
        };
    }

    private static long[] longs(HostTensor data) {
        if (data.type() == dev.trt4j.tensor.ElementType.INT64) {
            return data.longs();
        }
        int[] src = data.ints();
        long[] wide = new long[src.length];
        for (int i = 0; i < src.length; i++) {
            wide[i] = src[i];
        }
        return wide;
    }

    private static int[] ints(HostTensor data) {
        if (data.type() == dev.trt4j.tensor.ElementType.INT32) {
            return data.ints();
        }
        long[] src = data.longs();
        int[] narrow = new int[src.length];
        for (int i = 0; i < src.length; i++) {
            narrow[i] = Math.toIntExact(src[i]);
        }
        return narrow;
    }

    @Override
    public void enqueue(int slot) {
        long start = System.nanoTime();
        try {
            session.run(feed, pinned).close();
        } catch (OrtException e) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            feed.forEach((name, tensor) -> shapes.put(name, tensor.getInfo().getShape()));
            throw OrtRunFailure.ofShapes(model, shapes, e);
        }
        long end = System.nanoTime();
        double s = (start - origin) / 1e6;
        double t = (end - origin) / 1e6;
        last = InferenceTrace.withoutTransfers(s, t, s, t);
    }

    @Override
    public InferenceTrace await(int slot) {
        return last;
    }

    @Override
    public void close() {
        OnnxValue.close(feed);
        OnnxValue.close(pinned);
    }
}
