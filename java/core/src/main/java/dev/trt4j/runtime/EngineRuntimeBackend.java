package dev.trt4j.runtime;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.Availability;
import dev.trt4j.engine.EngineRuntime;
import dev.trt4j.engine.EngineServices;
import dev.trt4j.engine.EngineSession;
import dev.trt4j.io.Closing;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code tensorrt} backend: TensorRT engines through the {@link EngineRuntime} service of trt4j-native. Each
 * execution context is one {@link EngineSession} (engine, context, stream and device buffers); the first is opened
 * at load time to read the engine's inputs and outputs. Outputs come back as heap copies.
 *
 * <p>Limitation: {@link EngineRuntime} opens a whole engine per session, so a pool of {@code n} contexts holds
 * {@code n} copies of the engine's weights on the GPU. Keep TensorRT pools small (one context per stream is what
 * TensorRT needs anyway).
 */
public final class EngineRuntimeBackend implements InferenceBackend {
    /** This backend's name. */
    public static final String NAME = "tensorrt";

    private final Supplier<EngineRuntime> find;
    private EngineRuntime found;

    /** Instantiated by {@link java.util.ServiceLoader}; finds the engine runtime when first needed. */
    public EngineRuntimeBackend() {
        this(EngineServices::engineRuntime);
    }

    /** A backend over the engine runtime {@code find} supplies, asked once, when first needed (tests, embedding). */
    public EngineRuntimeBackend(Supplier<EngineRuntime> find) {
        this.find = find;
    }

    /** The engine runtime; a failure to find one is not remembered, so a later call looks again. */
    private synchronized EngineRuntime runtime() {
        if (found == null) {
            found = find.get();
        }
        return found;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean handles(Path file) {
        if (file.getFileName() == null) {
            return false;
        }
        String f = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return f.endsWith(".engine") || f.endsWith(".plan");
    }

    @Override
    public Availability availability() {
        try {
            return runtime().availability();
        } catch (Trt4jException e) {
            return Availability.no(e.getMessage());
        }
    }

    @Override
    public LoadedModel load(Path file, InferenceOptions options) {
        EngineRuntime engines = runtime();
        return new EngineModel(file, engines, engines.open(file));
    }

    /** The engine file plus the session opened at load time, handed to the first context. */
    private static final class EngineModel implements LoadedModel {
        private final Path file;
        private final EngineRuntime engines;
        private final List<TensorSpec> inputs;
        private final List<TensorSpec> outputs;
        private final List<EngineSession> unclaimed = new ArrayList<>();
        private boolean closed;

        EngineModel(Path file, EngineRuntime engines, EngineSession first) {
            this.file = file;
            this.engines = engines;
            this.inputs = first.inputs();
            this.outputs = first.outputs();
            unclaimed.add(first);
        }

        @Override
        public String name() {
            return file.toString();
        }

        @Override
        public List<TensorSpec> inputs() {
            return inputs;
        }

        @Override
        public List<TensorSpec> outputs() {
            return outputs;
        }

        @Override
        public synchronized ExecutionContext newContext() {
            if (closed) {
                throw new IllegalStateException("engine " + file + " is closed");
            }
            EngineSession session = unclaimed.isEmpty() ? engines.open(file) : unclaimed.remove(0);
            return new EngineContext(name(), inputs, session);
        }

        @Override
        public synchronized void close() {
            closed = true;
            List<EngineSession> sessions = List.copyOf(unclaimed);
            unclaimed.clear();
            Closing.all(sessions);
        }
    }

    /** One engine session used as an execution context. */
    private static final class EngineContext implements ExecutionContext {
        private final String name;
        private final List<TensorSpec> inputs;
        private final EngineSession session;

        EngineContext(String name, List<TensorSpec> inputs, EngineSession session) {
            this.name = name;
            this.inputs = inputs;
            this.session = session;
        }

        @Override
        public Outputs run(Map<String, HostTensor> data) {
            InputChecker.check(name, inputs, data);
            return new HostTensorOutputs(name, session.run(data));
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
