package dev.trt4j.evaluate;

import dev.trt4j.data.Batch;
import dev.trt4j.data.StateCarrier;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The reference model run on each batch of one pass, carrying its own state as a candidate does. */
final class LiveReference implements Reference {
    private final OrtModelRunner runner;
    private final StateCarrier state;
    private final List<String> outputNames;

    LiveReference(OrtModelRunner runner, StateFeedback feedback) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.state = feedback.start(runner.name(), runner.inputs(), runner.outputs());
        this.outputNames = runner.outputs().stream().map(TensorSpec::name).toList();
    }

    @Override
    public String name() {
        return runner.name();
    }

    @Override
    public List<TensorSpec> inputs() {
        return runner.inputs();
    }

    @Override
    public List<TensorSpec> outputs() {
        return runner.outputs();
    }

    @Override
    public Set<String> unreadableOutputs() {
        return runner.unreadableOutputs();
    }

    @Override
    public Map<String, HostTensor> outputsOn(Batch batch, int index, String data) {
        Map<String, HostTensor> expected = runner.run(state.feed(batch), outputNames);
        state.keepAll(expected);
        return expected;
    }

    @Override
    public void requireBatches(int batches, String data) {
        // run on the batches themselves: nothing to compare
    }
}
