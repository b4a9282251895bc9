package dev.trt4j.tensorrt;

import dev.trt4j.engine.BuiltEngine;
import dev.trt4j.engine.GpuDevice;
import dev.trt4j.engine.TensorRtVersion;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * A serialized engine in TensorRT's host memory, streamed out in chunks. {@link #close()} only marks it closed: the
 * presets give the {@code IHostMemory} no deallocator, so its bytes stay allocated until the process exits
 * (bytedeco/javacpp-presets#1699).
 */
final class TrtBuiltEngine implements BuiltEngine {
    private static final int CHUNK = 8 << 20;
    private final IHostMemory plan;
    private final TensorRtVersion version;
    private final GpuDevice gpu;
    private final Optional<byte[]> calibrationCache;
    private final Optional<byte[]> timingCache;
    private boolean closed;

    TrtBuiltEngine(IHostMemory plan, TensorRtVersion version, GpuDevice gpu, Optional<byte[]> calibrationCache,
            Optional<byte[]> timingCache) {
        this.plan = plan;
        this.version = version;
        this.gpu = gpu;
        this.calibrationCache = calibrationCache;
        this.timingCache = timingCache;
    }

    @Override
    public long engineSize() {
        return plan.size();
    }

    @Override
    public void writeEngine(OutputStream out) throws IOException {
        if (closed) {
            throw new IllegalStateException("TrtBuiltEngine is closed");
        }
        long size = plan.size();
        BytePointer data = new BytePointer(plan.data()).capacity(size);
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, size))];
        for (long off = 0; off < size; off += chunk.length) {
            int n = (int) Math.min(chunk.length, size - off);
            data.position(off).get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    @Override
    public TensorRtVersion tensorRtVersion() {
        return version;
    }

    @Override
    public GpuDevice gpu() {
        return gpu;
    }

    @Override
    public Optional<byte[]> writtenCalibrationCache() {
        return calibrationCache;
    }

    @Override
    public Optional<byte[]> timingCache() {
        return timingCache;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            plan.close();
        }
    }
}
