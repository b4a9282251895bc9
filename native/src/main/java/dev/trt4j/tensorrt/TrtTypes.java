package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import org.bytedeco.tensorrt.global.nvinfer.DataType;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

import java.util.Map;

/** Conversions between trt4j's shapes and types and TensorRT's {@code Dims64} and {@code DataType}. */
final class TrtTypes {
    private TrtTypes() {
    }

    /** A {@code Dims64} holding {@code shape}; the caller closes it. */
    static Dims64 dims(long[] shape) {
        if (shape.length > Dims64.MAX_DIMS) {
            throw new Trt4jException("shape of rank " + shape.length + " exceeds TensorRT's " + Dims64.MAX_DIMS);
        }
        Dims64 d = new Dims64();
        d.nbDims(shape.length);
        for (int i = 0; i < shape.length; i++) {
            d.d(i, shape[i]);
        }
        return d;
    }

    /**
     * The shape {@code context} inferred for output {@code name} from the input shapes set ({@link OutputShape}).
     *
     * @param engine names the engine in the message
     * @param inputs the input shapes set, quoted when the output's shape is unknown
     */
    static long[] outputShape(String engine, IExecutionContext context, String name, Map<String, long[]> inputs) {
        try (Dims64 d = context.getTensorShape(name)) {
            return OutputShape.resolved(engine, name, d.nbDims(), shape(d), inputs, TrtLogger.shared().lastError());
        }
    }

    /** The dimensions of {@code d}, {@code -1} for dynamic ones; none for an unknown rank. */
    static long[] shape(Dims64 d) {
        long[] shape = new long[Math.max(0, d.nbDims())];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = d.d(i);
        }
        return shape;
    }

    /**
     * The trt4j element type of a TensorRT data type.
     *
     * @throws Trt4jException for types trt4j cannot stage (BF16, FP8, INT4, FP4)
     */
    static ElementType elementType(String tensor, DataType type) {
        int v = type.value;
        if (v == DataType.kFLOAT.value) {
            return ElementType.FLOAT32;
        } else if (v == DataType.kHALF.value) {
            return ElementType.FLOAT16;
        } else if (v == DataType.kINT32.value) {
            return ElementType.INT32;
        } else if (v == DataType.kINT64.value) {
            return ElementType.INT64;
        } else if (v == DataType.kINT8.value) {
            return ElementType.INT8;
        } else if (v == DataType.kUINT8.value) {
            return ElementType.UINT8;
        } else if (v == DataType.kBOOL.value) {
            return ElementType.BOOL;
        }
        throw new Trt4jException("tensor '" + tensor + "' has TensorRT type " + type + ", which trt4j cannot feed or read");
    }
}
