package dev.trt4j.ort;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.trt4j.InvalidInputException;
import dev.trt4j.engine.HostTensorCodec;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * ONNX Runtime tensors for one-byte model inputs: BOOL (a mask, a Where's condition), INT8 and UINT8 (pixels of an
 * image model that preprocesses inside). Host tensors hold no bytes: synthetic data, .npy/.npz arrays and a service's
 * values arrive as integers, which {@link HostTensorCodec} checks to fit the type as it does for an engine's input,
 * so a mask of 2s or a pixel of 256 is an error rather than silently wrapped.
 */
public final class ByteTensors {
    private ByteTensors() {
    }

    /** Whether {@code type} is one this class makes tensors of. */
    public static boolean holds(ElementType type) {
        return type == ElementType.BOOL || type == ElementType.INT8 || type == ElementType.UINT8;
    }

    /**
     * A new tensor of {@code type} with {@code data}'s shape and values; the caller closes it.
     *
     * @param what names the input in messages, e.g. {@code "model.onnx: input 'mask'"}
     * @param type BOOL, INT8 or UINT8
     * @throws InvalidInputException if {@code data} is no integer tensor or holds a value {@code type} cannot
     */
    public static OnnxTensor create(OrtEnvironment env, String what, HostTensor data, ElementType type)
            throws OrtException {
        if (!holds(type)) {
            throw new IllegalArgumentException(type + " is no one-byte type");
        }
        if (data.type() != ElementType.INT32 && data.type() != ElementType.INT64) {
            throw new InvalidInputException(what + " is " + type + " but the data is " + data.type());
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.toIntExact(data.elementCount()))
                .order(ByteOrder.nativeOrder());
        HostTensorCodec.encode(what, data, type, bytes);
        OnnxJavaType javaType = switch (type) {
            case BOOL -> OnnxJavaType.BOOL;
            case INT8 -> OnnxJavaType.INT8;
            default -> OnnxJavaType.UINT8;
        };
        return OnnxTensor.createTensor(env, bytes, data.shape(), javaType);
    }
}
