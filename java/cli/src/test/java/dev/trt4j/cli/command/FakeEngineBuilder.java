package dev.trt4j.cli.command;

import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.engine.Availability;
import dev.trt4j.engine.BuiltEngine;
import dev.trt4j.engine.EngineBuildPlan;
import dev.trt4j.engine.EngineBuilder;
import dev.trt4j.engine.GpuDevice;
import dev.trt4j.engine.TensorRtVersion;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** An engine builder that "builds" a few fixed bytes on a pretend GPU and remembers the plan it was given. */
final class FakeEngineBuilder implements EngineBuilder {
    static final TensorRtVersion VERSION = new TensorRtVersion(10, 15, 1);
    EngineBuildPlan seenPlan;

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public TensorRtVersion tensorRtVersion() {
        return VERSION;
    }

    @Override
    public BuiltEngine build(EngineBuildPlan plan, Optional<CalibrationDataSource> data) {
        seenPlan = plan;
        byte[] engine = "fake engine".getBytes(StandardCharsets.UTF_8);
        return new BuiltEngine() {
            @Override
            public long engineSize() {
                return engine.length;
            }

            @Override
            public void writeEngine(OutputStream out) throws java.io.IOException {
                out.write(engine);
            }

            @Override
            public TensorRtVersion tensorRtVersion() {
                return VERSION;
            }

            @Override
            public GpuDevice gpu() {
                return new GpuDevice(0, "Pretend GPU", 8, 9, 1L << 30);
            }

            @Override
            public Optional<byte[]> writtenCalibrationCache() {
                return Optional.empty();
            }

            @Override
            public Optional<byte[]> timingCache() {
                return Optional.empty();
            }

            @Override
            public void close() {
            }
        };
    }
}
