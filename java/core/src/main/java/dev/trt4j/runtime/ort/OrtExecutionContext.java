package dev.trt4j.runtime.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.ort.DirectTensor;
import dev.trt4j.ort.OrtRunFailure;
import dev.trt4j.ort.PinnedOutputs;
import dev.trt4j.ort.TokenInputLimits;
import dev.trt4j.runtime.ExecutionContext;
import dev.trt4j.runtime.InputChecker;
import dev.trt4j.runtime.Outputs;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One execution context on a shared ONNX Runtime session (ONNX Runtime allows concurrent runs on one session), with
 * its own direct input and output buffers. The first run at a new input shape learns the output shapes; later runs
 * at that shape hand ONNX Runtime the output buffers to write into (pinned outputs), so no tensor is allocated on
 * either side. Outputs whose shape depends on the data fall back to copying.
 */
final class OrtExecutionContext implements ExecutionContext {
    private final String model;
    private final OrtSession session;
    private final List<TensorSpec> inputSpecs;
    private final Set<String> outputNames;
    private final Map<String, String> leftOut;
    private final TokenInputLimits tokenLimits;
    private final Map<String, DirectTensor> inputs = new LinkedHashMap<>();
    private final PinnedOutputs outputs;
    private final Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    private final ContextOutputs view = new ContextOutputs();
    private boolean closed;

    OrtExecutionContext(OrtEnvironment env, String model, OrtSession session, List<TensorSpec> inputSpecs,
                        List<TensorSpec> outputSpecs, Map<String, String> leftOut, TokenInputLimits tokenLimits) {
        this.model = model;
        this.leftOut = leftOut;
        this.tokenLimits = tokenLimits;
        this.session = session;
        this.inputSpecs = inputSpecs;
        this.outputNames = new LinkedHashSet<>();
        for (TensorSpec s : inputSpecs) {
            inputs.put(s.name(), new DirectTensor(env, model, s.name(), s.type()));
        }
        Map<String, ElementType> types = new LinkedHashMap<>();
        for (TensorSpec s : outputSpecs) {
            types.put(s.name(), s.type());
            outputNames.add(s.name());
        }
        this.outputs = new PinnedOutputs(env, model, types::get);
    }

    @Override
    public Outputs run(Map<String, HostTensor> data) {
        if (closed) {
            throw new IllegalStateException("execution context for " + model + " is closed");
        }
        InputChecker.check(model, inputSpecs, data);
        try {
            for (Map.Entry<String, DirectTensor> e : inputs.entrySet()) {
                HostTensor tensor = data.get(e.getKey());
                feed.put(e.getKey(), e.getValue().reshape(tensor.shape()));
                e.getValue().write(tensor);
            }
            outputs.run(session, feed, outputNames);
            return view;
        } catch (OrtException e) {
            throw tokenLimits.explain(model, inputs.keySet(), data)
                    .<Trt4jException>map(why -> new InvalidInputException(why, e))
                    .orElseGet(() -> OrtRunFailure.of(model, data, e));
        }
    }

    /** Runs so far whose outputs ONNX Runtime wrote straight into this context's buffers. */
    int pinnedRuns() {
        return outputs.pinnedRuns();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            inputs.values().forEach(DirectTensor::close);
            outputs.close();
        }
    }

    /** The outputs of the last run, read from this context's buffers. */
    private final class ContextOutputs implements Outputs {
        @Override
        public List<String> names() {
            return List.copyOf(outputNames);
        }

        @Override
        public long[] shape(String name) {
            return get(name).shape();
        }

        @Override
        public FloatBuffer floats(String name) {
            return get(name).floats();
        }

        @Override
        public HostTensor copy(String name) {
            return get(name).copy();
        }

        private DirectTensor get(String name) {
            DirectTensor t = outputNames.contains(name) ? outputs.output(name) : null;
            if (t == null && leftOut.containsKey(name)) {
                throw new Trt4jException(model + ": output '" + name + "' (" + leftOut.get(name) + ") is of a type "
                        + "trt4j does not carry, so runs leave it out; outputs are " + outputNames);
            }
            if (t == null) {
                throw new Trt4jException(model + ": no output named '" + name + "'; outputs are " + outputNames);
            }
            return t;
        }
    }
}
