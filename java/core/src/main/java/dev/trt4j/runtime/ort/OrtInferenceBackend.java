package dev.trt4j.runtime.ort;

import dev.trt4j.engine.Availability;
import dev.trt4j.ort.OrtRuntime;
import dev.trt4j.runtime.InferenceBackend;
import dev.trt4j.runtime.InferenceOptions;
import dev.trt4j.runtime.LoadedModel;

import java.nio.file.Path;
import java.util.Locale;

/** The {@code onnxruntime} backend: ONNX models on the CPU. Registered with {@link java.util.ServiceLoader}. */
public final class OrtInferenceBackend implements InferenceBackend {
    /** This backend's name. */
    public static final String NAME = "onnxruntime";

    /** Instantiated by {@link java.util.ServiceLoader}. */
    public OrtInferenceBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean handles(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    @Override
    public Availability availability() {
        return OrtRuntime.availability();
    }

    @Override
    public LoadedModel load(Path file, InferenceOptions options) {
        return OrtLoadedModel.open(file, options);
    }
}
