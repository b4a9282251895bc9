package dev.trt4j.data;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateFeedbackTest {
    private static final List<TensorSpec> INPUTS = List.of(
            spec("x", ElementType.FLOAT32, -1, 4), spec("state", ElementType.FLOAT32, 2, -1, 3),
            spec("ids", ElementType.INT64, -1, 4));
    private static final List<TensorSpec> OUTPUTS = List.of(
            spec("y", ElementType.FLOAT32, -1, 3), spec("stateN", ElementType.FLOAT32, -1, -1, -1),
            spec("count", ElementType.INT64, -1));

    @Test
    void parsesLinksAndLeavesTheOtherInputsToTheData() {
        StateFeedback links = StateFeedback.parse(List.of("stateN=state", " h = h0 ,c=c0"));

        assertThat(links.links()).containsExactly(new StateFeedback.Link("stateN", "state"),
                new StateFeedback.Link("h", "h0"), new StateFeedback.Link("c", "c0"));
        assertThat(links.outputs()).containsExactly("stateN", "h", "c");
        assertThat(links.dataInputs(INPUTS)).extracting(TensorSpec::name).containsExactly("x", "ids");
        assertThat(StateFeedback.parse(List.of())).isSameAs(StateFeedback.NONE);
        assertThat(StateFeedback.NONE.dataInputs(INPUTS)).isEqualTo(INPUTS);
    }

    @Test
    void rejectsMalformedLinksAndAnInputFedTwice() {
        for (String bad : List.of("stateN", "=state", "stateN=", "a=b=c")) {
            assertThatThrownBy(() -> StateFeedback.parse(List.of(bad))).isInstanceOf(Trt4jException.class)
                    .hasMessage("state link " + bad + ": expected OUTPUT=INPUT, e.g. stateN=state");
        }
        assertThatThrownBy(() -> StateFeedback.parse(List.of(",,")))
                .hasMessage("state links ,,: an empty link; expected OUTPUT=INPUT[,...], e.g. stateN=state");
        assertThatThrownBy(() -> StateFeedback.parse(List.of("a=state,b=state")))
                .hasMessage("state links: input 'state' is fed by two outputs");
        assertThatThrownBy(() -> StateFeedback.parse(List.of("stateN=state", "stateN=state")))
                .as("one output given twice, not two").hasMessage("state links: stateN=state is given twice");
    }

    @Test
    void linksMustNameFloatTensorsOfTheModelWithAtMostOneDynamicDimension() {
        // a link the model cannot take is a mistake on the command line: exit code 2, as --shapes of no input
        assertThatThrownBy(() -> StateFeedback.parse(List.of("hN=state")).start("m.onnx", INPUTS, OUTPUTS))
                .isInstanceOf(InvalidOptionException.class).hasMessage("m.onnx: state link hN=state names no model output (outputs: y, stateN, count)");
        assertThatThrownBy(() -> StateFeedback.parse(List.of("stateN=h")).start("m.onnx", INPUTS, OUTPUTS))
                .isInstanceOf(InvalidOptionException.class).hasMessage("m.onnx: state link stateN=h names no model input (inputs: x, state, ids)");
        assertThatThrownBy(() -> StateFeedback.parse(List.of("count=state")).start("m.onnx", INPUTS, OUTPUTS))
                .hasMessage("m.onnx: state link count=state: 'count' is INT64; fed-back state must be FLOAT32");
        List<TensorSpec> twoDynamic = List.of(spec("state", ElementType.FLOAT32, 2, -1, -1));
        assertThatThrownBy(() -> StateFeedback.parse(List.of("stateN=state")).start("m.onnx", twoDynamic, OUTPUTS))
                .hasMessage("m.onnx: state link stateN=state: input 'state' [2,?,?] has several dynamic dimensions; "
                        + "fix them, and the data inputs' batch with them (trt4j convert --fix-shapes state:BxD...,"
                        + "INPUT:Bx...), then run at batch B");
    }

    @Test
    void startsAtZeroThenFeedsWhatTheRunBeforeReturned() {
        StateCarrier carrier = StateFeedback.parse(List.of("stateN=state")).start("m.onnx", INPUTS, OUTPUTS);
        assertThat(carrier.outputs()).containsExactly("stateN");

        Batch first = carrier.feed(batch(2));
        HostTensor zero = first.inputs().get("state");
        assertThat(zero.shape()).containsExactly(2, 2, 3);
        assertThat(zero.floats()).containsOnly(0f);
        assertThat(first.inputs()).containsKeys("x", "state");

        float[] kept = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        carrier.keep("y", new long[] {2, 3}, FloatBuffer.wrap(new float[6]));
        carrier.keep("stateN", new long[] {2, 2, 3}, FloatBuffer.wrap(kept));
        kept[0] = -1;
        HostTensor second = carrier.feed(batch(2)).inputs().get("state");
        assertThat(second.shape()).containsExactly(2, 2, 3);
        assertThat(second.floats()).as("a copy: the runner reuses its buffers")
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    }

    @Test
    void aSmallerLastBatchContinuesTheFirstStreamsAlongTheBatchAxis() {
        StateCarrier carrier = StateFeedback.parse(List.of("stateN=state")).start("m.onnx", INPUTS, OUTPUTS);
        carrier.feed(batch(2));
        // [2, 2, 3]: axis 0 is the state's own, axis 1 the stream
        carrier.keep("stateN", HostTensor.ofFloats(new long[] {2, 2, 3},
                new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));

        HostTensor last = carrier.feed(batch(1)).inputs().get("state");

        assertThat(last.shape()).containsExactly(2, 1, 3);
        assertThat(last.floats()).containsExactly(1, 2, 3, 7, 8, 9);
        carrier.keep("stateN", HostTensor.ofFloats(new long[] {2, 1, 3}, new float[6]));
        assertThatThrownBy(() -> carrier.feed(batch(2))).isInstanceOf(dev.trt4j.InvalidInputException.class)
                .hasMessage("m.onnx: state link stateN=state: the state from the run before is [2,1,3], but a batch "
                        + "of 2 needs [2,2,3]");
    }

    @Test
    void aSampleThatStartsANewStreamGetsAZeroStateOfItsOwn() {
        StateCarrier carrier = StateFeedback.parse(List.of("stateN=state")).start("m.onnx", INPUTS, OUTPUTS);
        carrier.feed(batch(2));
        carrier.keep("stateN", HostTensor.ofFloats(new long[] {2, 2, 3},
                new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));

        Batch secondStartsOver = new Batch(2, batch(2).inputs(), java.util.Set.of(1));
        HostTensor state = carrier.feed(secondStartsOver).inputs().get("state");

        assertThat(state.floats()).as("axis 1 is the stream: sample 1's rows are zeroed, sample 0's kept")
                .containsExactly(1, 2, 3, 0, 0, 0, 7, 8, 9, 0, 0, 0);
        assertThat(carrier.feed(secondStartsOver).streamStarts()).containsExactly(1);
    }

    @Test
    void batchesThatCannotCarryTheStateCorrectlyAreRefused() {
        StateCarrier carrier = StateFeedback.parse(List.of("stateN=state")).start("m.onnx", INPUTS, OUTPUTS);
        assertThatThrownBy(() -> carrier.feed(new Batch(2, batch(2).inputs(), java.util.Set.of(0))))
                .as("audio windows of one file side by side would each get the state of a window 2 earlier")
                .isInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessage("m.onnx: --feedback with batches of 2: the windows of each audio file form one stream "
                        + "in order, which only batches of 1 feed back correctly; give --batch 1");

        Map<String, HostTensor> withState = new java.util.HashMap<>(batch(1).inputs());
        withState.put("state", HostTensor.ofFloats(new long[] {2, 1, 3}, new float[6]));
        assertThatThrownBy(() -> carrier.feed(new Batch(1, withState))).isInstanceOf(dev.trt4j.InvalidInputException.class)
                .hasMessage("m.onnx: state link stateN=state: input 'state' is fed back from 'stateN', so it must "
                        + "not be given as well");

        List<TensorSpec> fixed = List.of(spec("x", ElementType.FLOAT32, -1, 4),
                spec("state", ElementType.FLOAT32, 2, 1, 3));
        StateCarrier single = StateFeedback.parse(List.of("stateN=state")).start("m.onnx", fixed, OUTPUTS);
        assertThatThrownBy(() -> single.feed(batch(2))).isInstanceOf(dev.trt4j.InvalidInputException.class)
                .hasMessage("m.onnx: state link stateN=state: input 'state' [2,1,3] has no dynamic batch dimension, "
                        + "so it holds one stream's state and cannot be shared by a batch of 2; use batches of 1, or "
                        + "leave its batch dimension dynamic");
        assertThat(single.feed(batch(1)).inputs().get("state").shape()).containsExactly(2, 1, 3);
    }

    /** A model fixed whole (convert --fix-shapes x:2x4,state:2x3) holds one state per row of its fixed batch. */
    @Test
    void aStateFixedWithTheModelsWholeBatchIsFedBackAtThatBatch() {
        List<TensorSpec> fixed = List.of(spec("x", ElementType.FLOAT32, 2, 4), spec("state", ElementType.FLOAT32, 2, 3));
        StateCarrier carrier = StateFeedback.parse(List.of("stateN=state")).start("m.onnx", fixed, OUTPUTS);

        assertThat(carrier.feed(batch(2)).inputs().get("state").floats()).containsOnly(0f);
        carrier.keep("stateN", HostTensor.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        assertThat(carrier.feed(batch(2)).inputs().get("state").floats()).containsExactly(1, 2, 3, 4, 5, 6);

        List<TensorSpec> otherBatch = List.of(spec("x", ElementType.FLOAT32, 4, 4),
                spec("state", ElementType.FLOAT32, 2, 3));
        StateCarrier shared = StateFeedback.parse(List.of("stateN=state")).start("m.onnx", otherBatch, OUTPUTS);
        assertThatThrownBy(() -> shared.feed(batch(2))).as("a batch the model does not fix: one stream's state")
                .hasMessageContaining("has no dynamic batch dimension");
        assertThatThrownBy(() -> shared.feed(batch(4))).as("no axis of the state holds the 4 streams: one state")
                .hasMessageContaining("has no dynamic batch dimension");

        List<TensorSpec> fixedFour = List.of(spec("x", ElementType.FLOAT32, 4, 4),
                spec("state", ElementType.FLOAT32, 2, 4, 8));
        StateCarrier audio = StateFeedback.parse(List.of("stateN=state")).start("m.onnx", fixedFour, OUTPUTS);
        assertThatThrownBy(() -> audio.feed(new Batch(4, batch(4).inputs(), java.util.Set.of(0))))
                .as("--batch 1 would not fit the model's fixed batch: say what would")
                .hasMessageEndingWith("the model fixes its batch to 4, so fix it to 1 first (trt4j convert --fix-shapes)");
    }

    @Test
    void anOutputThatDoesNotFitTheInputItFeedsIsNamed() {
        StateCarrier carrier = StateFeedback.parse(List.of("stateN=state")).start("m.onnx", INPUTS, OUTPUTS);
        carrier.feed(batch(1));

        assertThatThrownBy(() -> carrier.keep("stateN", new long[] {1, 2, 3}, FloatBuffer.wrap(new float[6])))
                .as("the same number of values in another layout would scramble the state")
                .hasMessage("m.onnx: fed-back output 'stateN' is [1,2,3], but the input it feeds takes [2,1,3]");
        assertThatThrownBy(() -> carrier.keep("stateN", HostTensor.ofFloats(new long[] {1, 2, 3}, new float[6])))
                .hasMessage("m.onnx: fed-back output 'stateN' is [1,2,3], but the input it feeds takes [2,1,3]");
    }

    private static Batch batch(int n) {
        return new Batch(n, Map.of("x", HostTensor.ofFloats(new long[] {n, 4}, new float[n * 4])));
    }

    private static TensorSpec spec(String name, ElementType type, long... dims) {
        return new TensorSpec(name, type, dims, null);
    }

    @Test
    void aLinkWhoseOutputIsNamedAsTheStateOfAnUnlinkedInputIsRefusedBeforeAnyBatch() {
        // stateN=x would feed the data to 'state' and the state to 'x'; nothing in a run could tell
        assertThatThrownBy(() -> StateFeedback.parse(List.of("stateN=x")).start("m.onnx", INPUTS, OUTPUTS))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessage("m.onnx: state link stateN=x: output 'stateN' is named as the state of input 'state', "
                        + "which the links leave to the data; link them (--feedback stateN=state)");
    }

    @Test
    void stateNamesPairAnOutputWithTheInputItIsNamedAfter() {
        assertThat(StateNames.outputFor(INPUTS.get(1), OUTPUTS)).map(TensorSpec::name).hasValue("stateN");
        assertThat(StateNames.inputFor(OUTPUTS.get(1), INPUTS)).map(TensorSpec::name).hasValue("state");
        assertThat(StateNames.outputFor(INPUTS.get(0), OUTPUTS)).as("x has no output named after it").isEmpty();
        assertThat(StateNames.pairs("hn", "h")).isTrue();
        assertThat(StateNames.pairs("hn", "h0")).isTrue();
        assertThat(StateNames.pairs("state_out", "state_in")).isTrue();
        assertThat(StateNames.pairs("y", "x")).isFalse();
    }

    /** A hint to feed back every input would be refused if followed: an autoencoder's spec_out is no state. */
    @Test
    void theFeedbackHintNeverNamesEveryInput() {
        List<TensorSpec> inputs = List.of(spec("spec", ElementType.FLOAT32, -1, 8),
                spec("state_in", ElementType.FLOAT32, -1, 4));
        List<TensorSpec> outputs = List.of(spec("spec_out", ElementType.FLOAT32, -1, 8),
                spec("state_out", ElementType.FLOAT32, -1, 4));
        assertThat(StateNames.feedbackHint(inputs, outputs)).isEmpty();
        assertThat(StateNames.feedbackHint(inputs, outputs.subList(1, 2))).hasValue("; if 'state_in' is a state the "
                + "model carries, feed it back (--feedback state_out=state_in)");
    }
}
