package dev.trt4j.ort;

/** Starts ONNX Runtime's environment in a process of its own (see OrtRuntimeTest) and prints "started". */
public final class OrtStartMain {
    private OrtStartMain() {
    }

    public static void main(String[] args) {
        OrtRuntime.environment();
        System.out.println("started");
    }
}
