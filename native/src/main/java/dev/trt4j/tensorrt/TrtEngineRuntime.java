package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.Availability;
import dev.trt4j.engine.EngineCompatibility;
import dev.trt4j.engine.EngineRuntime;
import dev.trt4j.engine.EngineSession;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.engine.GpuDevice;
import dev.trt4j.io.ReadFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** The {@link EngineRuntime} service: loads engines with TensorRT 10.15 after checking their sidecar. */
public final class TrtEngineRuntime implements EngineRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(TrtEngineRuntime.class);

    /** Instantiated by {@link java.util.ServiceLoader}. */
    public TrtEngineRuntime() {
    }

    @Override
    public String name() {
        return "tensorrt-javacpp";
    }

    @Override
    public Availability availability() {
        return NativeLibraries.availability();
    }

    @Override
    public EngineSession open(Path engine) {
        NativeLibraries.require();
        if (!Files.exists(engine)) { // before the sidecar's warning and the GPU checks
            throw new Trt4jException(engine + ": engine not found");
        }
        Optional<EngineSidecar> sidecar = EngineSidecarFile.read(engine);
        GpuDevice gpu = CudaDevices.current();
        if (sidecar.isPresent()) {
            EngineCompatibility.check(engine, sidecar.get(), NativeLibraries.tensorRtVersion(), gpu);
        } else {
            LOG.warn("{} has no sidecar {}; loading it without checking its TensorRT version and GPU", engine,
                    EngineSidecarFile.pathFor(engine).getFileName());
        }
        try (PlanBytes plan = PlanBytes.read(engine)) { // freed once TensorRT has deserialized it
            return new TrtSession(engine, DeserializedEngine.shared(engine, plan));
        } catch (NoSuchFileException e) {
            throw new Trt4jException(engine + ": engine not found");
        } catch (IOException e) {
            throw ReadFailure.of(engine, e);
        } catch (Trt4jException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new Trt4jException(engine + ": cannot open: " + e, e);
        }
    }
}
