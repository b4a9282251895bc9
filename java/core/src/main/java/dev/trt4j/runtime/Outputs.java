package dev.trt4j.runtime;

import dev.trt4j.tensor.HostTensor;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The outputs of one run, read in place: valid only until the context that made them runs again or is closed, so
 * read them inside an {@link OutputReader} and copy what must outlive it. Those an {@link InferenceSession} hands to
 * a reader throw {@link IllegalStateException} when read after the reader returned; a buffer from {@link #floats}
 * kept past it cannot tell, and may then show another request's outputs.
 */
public interface Outputs {
    /** Output names, in model order. */
    List<String> names();

    /**
     * The concrete shape of an output.
     *
     * @throws dev.trt4j.Trt4jException for an unknown name
     */
    long[] shape(String name);

    /**
     * A read-only view of a float32 output, without copying.
     *
     * @throws dev.trt4j.Trt4jException for an unknown name or an output that is not float32
     */
    FloatBuffer floats(String name);

    /**
     * A copy of an output on the Java heap (float16 widened to float32).
     *
     * @throws dev.trt4j.Trt4jException for an unknown name
     */
    HostTensor copy(String name);
}
