package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.engine.Availability;
import dev.trt4j.engine.BuiltEngine;
import dev.trt4j.engine.EngineBuildPlan;
import dev.trt4j.engine.EngineBuilder;
import dev.trt4j.engine.TensorRtVersion;

import java.util.Optional;

/** The {@link EngineBuilder} service: TensorRT 10.15 through JavaCPP. Loads nothing until asked. */
public final class TrtEngineBuilder implements EngineBuilder {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public TrtEngineBuilder() {
    }

    @Override
    public String name() {
        return "tensorrt-javacpp";
    }

    @Override
    public Availability availability() {
        Availability libraries = NativeLibraries.availability();
        if (!libraries.available()) {
            return libraries;
        }
        try {
            return NativeLibraries.builderKernels(CudaDevices.current()).map(m -> Availability.no(m.line()))
                    .orElse(Availability.yes());
        } catch (Trt4jException e) {
            return Availability.no(e.getMessage());
        }
    }

    @Override
    public TensorRtVersion tensorRtVersion() {
        return NativeLibraries.tensorRtVersion();
    }

    @Override
    public BuiltEngine build(EngineBuildPlan plan, Optional<CalibrationDataSource> data) {
        NativeLibraries.require();
        try {
            return new TrtBuild(plan, data).run();
        } catch (Trt4jException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new Trt4jException("TensorRT build of " + plan.model().name() + " failed: " + e, e);
        }
    }
}
