package dev.trt4j.runtime;

import dev.trt4j.tensor.HostTensor;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The outputs an {@link InferenceSession} hands to one {@link OutputReader}: once the reader has returned, its
 * context may be running another request and overwriting them, so reading them then fails instead of returning
 * someone else's data.
 */
final class ReaderOutputs implements Outputs {
    private final String model;
    private final Outputs outputs;
    // volatile: a reader may hand its outputs to another thread while it waits for it
    private volatile boolean expired;

    ReaderOutputs(String model, Outputs outputs) {
        this.model = model;
        this.outputs = outputs;
    }

    /** Called when the reader has returned; every later read throws. */
    void expire() {
        expired = true;
    }

    @Override
    public List<String> names() {
        return live().names();
    }

    @Override
    public long[] shape(String name) {
        return live().shape(name);
    }

    @Override
    public FloatBuffer floats(String name) {
        return live().floats(name);
    }

    @Override
    public HostTensor copy(String name) {
        return live().copy(name);
    }

    private Outputs live() {
        if (expired) {
            throw new IllegalStateException(model + ": outputs read after their OutputReader returned, when the "
                    + "context may be running another request; copy() what must outlive the reader inside it");
        }
        return outputs;
    }
}
