package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.benchmark.BenchShapes;

import java.util.Map;
import java.util.Optional;

/**
 * Refuses an output whose shape the execution context could not infer from the input shapes set. No JavaCPP types,
 * so that the rule is tested without native libraries.
 */
final class OutputShape {
    private OutputShape() {
    }

    /**
     * The shape of output {@code name}, as {@code getTensorShape} gave it after every input shape was set.
     *
     * @param engine names the engine in the message
     * @param nbDims the {@code Dims64}'s rank; TensorRT answers -1 when the input shapes do not fit together (a
     *               Concat of mismatched lengths, a MatMul of mismatched inner dimensions), and binding that output
     *               as a scalar would only make {@code enqueueV3} fail later without saying why
     * @param dims   its dimensions (ignored for a negative rank)
     * @param inputs the input shapes given, quoted in the message
     * @param reason what TensorRT logged, if anything
     * @throws Trt4jException when the rank is negative
     */
    static long[] resolved(String engine, String name, int nbDims, long[] dims, Map<String, long[]> inputs,
                           Optional<String> reason) {
        if (nbDims < 0) {
            throw new Trt4jException(engine + ": TensorRT cannot infer the shape of output '" + name
                    + "' from the input shapes " + BenchShapes.text(inputs) + "; check that they fit together"
                    + reason.map(r -> " (" + r + ")").orElse(""));
        }
        return dims;
    }
}
