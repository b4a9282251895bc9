package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;

/**
 * The few global native functions trt4j calls, with CUDA status checks. Kept apart so that classes which must
 * load without natives never refer to JavaCPP's global classes.
 */
final class NativeCalls {
    private NativeCalls() {
    }

    /** {@code getInferLibVersion()}: TensorRT's version code, e.g. 101501. */
    static int inferLibVersion() {
        return nvinfer.getInferLibVersion();
    }

    /** {@code getNvOnnxParserVersion()}. */
    static int onnxParserVersion() {
        return nvonnxparser.getNvOnnxParserVersion();
    }

    /**
     * Throws unless {@code status} is {@code cudaSuccess}.
     *
     * @param call the CUDA call, for the message
     */
    static void check(int status, String call) {
        if (status != cudart.cudaSuccess) {
            throw new Trt4jException(call + " failed: CUDA error " + status + " (" + errorString(status) + ")");
        }
    }

    static String errorString(int status) {
        try {
            return cudart.cudaGetErrorString(status).getString();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
