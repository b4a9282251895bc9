package dev.trt4j.runtime.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtErrorText;
import dev.trt4j.ort.OrtRuntime;
import dev.trt4j.ort.OrtSpecs;
import dev.trt4j.ort.TokenInputLimits;
import dev.trt4j.runtime.ExecutionContext;
import dev.trt4j.runtime.InferenceOptions;
import dev.trt4j.runtime.LoadedModel;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/** An ONNX model in one ONNX Runtime session, shared by all its execution contexts. Thread-safe. */
final class OrtLoadedModel implements LoadedModel {
    private static final Logger LOG = LoggerFactory.getLogger(OrtLoadedModel.class);

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    /** Outputs left out of {@link #outputs}, by name, with what each is; named when one is asked for. */
    private final Map<String, String> leftOut;
    private final TokenInputLimits tokenLimits;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OrtLoadedModel(Path file, OrtEnvironment env, OrtSession session) throws OrtException {
        this.name = file.toString();
        this.tokenLimits = new TokenInputLimits(file);
        this.env = env;
        this.session = session;
        this.inputs = OrtSpecs.of(session.getInputInfo());
        this.outputs = OrtSpecs.of(session.getOutputInfo());
        this.leftOut = OrtSpecs.leftOut(session.getOutputInfo());
        if (!leftOut.isEmpty()) {
            LOG.warn("{}: outputs left out, of types trt4j does not carry: {}", name,
                    ControlCharacters.escape(describe(leftOut)));
        }
        if (outputs.isEmpty()) {
            // every run would fail inside ONNX Runtime with a message about requested outputs
            throw new Trt4jException(name + ": no output trt4j can read; the model's outputs are " + describe(leftOut)
                    + ", and trt4j reads tensors of FLOAT32, FLOAT16, INT64, INT32, INT8, UINT8 or BOOL");
        }
        if (inputs.size() != session.getNumInputs()) {
            throw new Trt4jException(name + ": the model has inputs that are not tensors of a type trt4j feeds");
        }
        // every ElementType is fed: INT8, UINT8 and BOOL from int32 or int64 data in their range (DirectTensor stages
        // them as bytes), as the engine path takes them; an image model taking uint8 pixels is common
    }

    /** {@code 'z' (DOUBLE tensor), 's' (sequence)}. */
    static String describe(Map<String, String> leftOut) {
        return leftOut.entrySet().stream().map(e -> "'" + e.getKey() + "' (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }

    /**
     * Opens {@code file} in a new ONNX Runtime session.
     *
     * @throws Trt4jException if the file is missing or ONNX Runtime cannot load it
     */
    static OrtLoadedModel open(Path file, InferenceOptions options) {
        OnnxModel.requireFile(file);
        OrtEnvironment env = OrtRuntime.environment();
        OrtSession session = null;
        try (OrtSession.SessionOptions opts = OrtRuntime.sessionOptions()) {
            if (options.intraOpThreads() > 0) {
                opts.setIntraOpNumThreads(options.intraOpThreads());
            }
            session = OrtRuntime.createSession(file, opts, OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new OrtLoadedModel(file, env, session);
        } catch (OrtException | RuntimeException e) {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException ignored) {
                    // the load error is what the user needs to see
                }
            }
            if (e instanceof Trt4jException t) {
                throw t;
            }
            throw new Trt4jException(file + ": ONNX Runtime cannot load the model: "
                    + OrtErrorText.of(e.getMessage()), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /** The outputs of element types trt4j carries; others are left out, and loading named them at WARN. */
    @Override
    public List<TensorSpec> outputs() {
        return outputs;
    }

    @Override
    public ExecutionContext newContext() {
        if (closed.get()) {
            throw new IllegalStateException("model " + name + " is closed");
        }
        return new OrtExecutionContext(env, name, session, inputs, outputs, leftOut, tokenLimits);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                session.close();
            } catch (OrtException e) {
                throw new Trt4jException(name + ": cannot close the ONNX Runtime session: " + e.getMessage(), e);
            }
        }
    }
}
