package dev.trt4j.runtime;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link Outputs} over tensors a backend has already copied to the Java heap. */
final class HostTensorOutputs implements Outputs {
    private final String model;
    private final Map<String, HostTensor> tensors;

    /**
     * @param model   a name for messages
     * @param tensors outputs by name, in model order (not copied: the caller hands them over)
     */
    public HostTensorOutputs(String model, Map<String, HostTensor> tensors) {
        this.model = model;
        this.tensors = new LinkedHashMap<>(tensors);
    }

    @Override
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    @Override
    public long[] shape(String name) {
        return get(name).shape();
    }

    @Override
    public FloatBuffer floats(String name) {
        HostTensor t = get(name);
        if (t.type() != ElementType.FLOAT32) {
            throw new Trt4jException(model + ": output '" + name + "' is " + t.type() + ", not FLOAT32");
        }
        return FloatBuffer.wrap(t.floats()).asReadOnlyBuffer();
    }

    @Override
    public HostTensor copy(String name) {
        HostTensor t = get(name);
        return switch (t.type()) {
            case FLOAT32 -> HostTensor.ofFloats(t.shape(), t.floats().clone());
            case INT64 -> HostTensor.ofLongs(t.shape(), t.longs().clone());
            default -> HostTensor.ofInts(t.shape(), t.ints().clone());
        };
    }

    private HostTensor get(String name) {
        HostTensor t = tensors.get(name);
        if (t == null) {
            throw new Trt4jException(model + ": no output named '" + name + "'; outputs are " + tensors.keySet());
        }
        return t;
    }
}
