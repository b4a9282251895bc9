package dev.trt4j.ort;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.engine.HostTensorCodec;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * One input or output of an execution context: a direct buffer plus the ONNX Runtime tensor over it. ONNX Runtime
 * reads inputs from and writes pinned outputs into the buffer without copying; the tensor is made again only when
 * the shape changes, so repeated runs at one shape allocate nothing here. The buffer only grows (to the largest
 * request seen); a request over 2 GiB or beyond the JVM's direct-memory limit fails with an
 * {@link InvalidInputException}, as the caller's to make smaller. Not thread-safe; closed by its owner (an execution
 * context, or a runner reading outputs in place).
 */
public final class DirectTensor implements AutoCloseable {
    private final OrtEnvironment env;
    private final String model;
    private final String name;
    private final ElementType type;
    private final IntFunction<ByteBuffer> allocate;
    private ByteBuffer storage = ByteBuffer.allocateDirect(0);
    private long[] shape;
    private int elements;
    private ByteBuffer bytes;
    private OnnxTensor tensor;

    /**
     * @param type the element type ONNX Runtime sees (FLOAT32, FLOAT16, INT64, INT32, INT8, UINT8 or BOOL)
     */
    public DirectTensor(OrtEnvironment env, String model, String name, ElementType type) {
        this(env, model, name, type, ByteBuffer::allocateDirect);
    }

    /** @param allocate makes the direct buffer of a size; a test's fails as the JVM's direct-memory limit does */
    DirectTensor(OrtEnvironment env, String model, String name, ElementType type, IntFunction<ByteBuffer> allocate) {
        this.env = env;
        this.model = model;
        this.name = name;
        this.type = type;
        this.allocate = allocate;
    }

    /** Whether the tensor currently has {@code candidate} as its shape. */
    public boolean hasShape(long[] candidate) {
        return tensor != null && Arrays.equals(shape, candidate);
    }

    /**
     * The ONNX Runtime tensor at {@code newShape}, made anew only if the shape changed.
     *
     * @throws InvalidInputException if the tensor exceeds 2 GiB or the JVM's direct-memory limit
     * @throws OrtException          if ONNX Runtime cannot make the tensor
     */
    public OnnxTensor reshape(long[] newShape) throws OrtException {
        if (hasShape(newShape)) {
            return tensor;
        }
        closeTensor();
        long n = HostTensor.elementCount(newShape);
        long byteCount = n * type.bytes();
        if (byteCount > Integer.MAX_VALUE) {
            throw new InvalidInputException(model + ": tensor '" + name + "' of shape " + Arrays.toString(newShape)
                    + " exceeds 2 GiB; send a smaller batch");
        }
        if (storage.capacity() < byteCount) {
            storage = ByteBuffer.allocateDirect(0); // the old buffer is garbage before the larger one is asked for
            try {
                storage = allocate.apply((int) byteCount).order(ByteOrder.nativeOrder());
            } catch (OutOfMemoryError e) {
                // the JVM's direct-memory limit, not the heap: this request is too large, the service is not broken
                throw new InvalidInputException(model + ": tensor '" + name + "' of shape "
                        + Arrays.toString(newShape) + " needs " + byteCount + " bytes of direct memory, more than the "
                        + "JVM may reserve now (-XX:MaxDirectMemorySize); send a smaller batch", e);
            }
        }
        bytes = storage.duplicate().clear().limit((int) byteCount).slice().order(ByteOrder.nativeOrder());
        shape = newShape.clone();
        elements = (int) n;
        tensor = OnnxTensor.createTensor(env, bytes, shape, javaType(type));
        return tensor;
    }

    /**
     * Copies {@code data} (its type already checked to convert) into the buffer, which must have the data's shape.
     *
     * @throws InvalidInputException if a value does not fit the input's type (int64 data for an INT32 input, say)
     */
    public void write(HostTensor data) {
        ByteBuffer out = bytes.duplicate().order(ByteOrder.nativeOrder());
        switch (type) {
            case FLOAT32 -> out.asFloatBuffer().put(data.floats());
            case FLOAT16 -> {
                ShortBuffer halves = out.asShortBuffer();
                for (float f : data.floats()) {
                    halves.put(Fp16Conversions.floatToFp16(f));
                }
            }
            case INT64 -> {
                if (data.type() == ElementType.INT64) {
                    out.asLongBuffer().put(data.longs());
                } else {
                    LongBuffer longs = out.asLongBuffer();
                    for (int v : data.ints()) {
                        longs.put(v);
                    }
                }
            }
            case INT32 -> {
                if (data.type() == ElementType.INT32) {
                    out.asIntBuffer().put(data.ints());
                } else {
                    // narrowed and range-checked in place, in the words an engine's INT32 input uses
                    HostTensorCodec.encode(model + ": input '" + name + "'", data, type, out);
                }
            }
            case INT8, UINT8, BOOL -> HostTensorCodec.encode(model + ": input '" + name + "'", data, type, out);
            default -> throw new Trt4jException(model + ": input '" + name + "' is " + type
                    + ", which trt4j cannot feed");
        }
    }

    /** Copies the raw bytes of an ONNX Runtime value of the same type and shape into the buffer. */
    public void copyFrom(OnnxTensor value) {
        ByteBuffer src = value.getByteBuffer();
        bytes.duplicate().put(src);
    }

    /** The current shape (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** A read-only float32 view of the buffer. */
    public FloatBuffer floats() {
        if (type != ElementType.FLOAT32) {
            throw new Trt4jException(model + ": output '" + name + "' is " + type + ", not FLOAT32");
        }
        return bytes.asReadOnlyBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** A heap copy: float16 widened to float32, 8-bit and bool values as int32. */
    public HostTensor copy() {
        ByteBuffer in = bytes.duplicate().order(ByteOrder.nativeOrder());
        return switch (type) {
            case FLOAT32 -> {
                float[] v = new float[elements];
                in.asFloatBuffer().get(v);
                yield HostTensor.ofFloats(shape, v);
            }
            case FLOAT16 -> {
                float[] v = new float[elements];
                ShortBuffer halves = in.asShortBuffer();
                for (int i = 0; i < elements; i++) {
                    v[i] = Fp16Conversions.fp16ToFloat(halves.get(i));
                }
                yield HostTensor.ofFloats(shape, v);
            }
            case INT64 -> {
                long[] v = new long[elements];
                in.asLongBuffer().get(v);
                yield HostTensor.ofLongs(shape, v);
            }
            case INT32 -> {
                int[] v = new int[elements];
                in.asIntBuffer().get(v);
                yield HostTensor.ofInts(shape, v);
            }
            default -> {
                int[] v = new int[elements];
                for (int i = 0; i < elements; i++) {
                    v[i] = type == ElementType.INT8 ? in.get(i) : in.get(i) & 0xFF;
                }
                yield HostTensor.ofInts(shape, v);
            }
        };
    }

    static OnnxJavaType javaType(ElementType type) {
        return switch (type) {
            case FLOAT32 -> OnnxJavaType.FLOAT;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
        };
    }

    private void closeTensor() {
        if (tensor != null) {
            tensor.close();
            tensor = null;
        }
    }

    @Override
    public void close() {
        closeTensor();
    }
}
