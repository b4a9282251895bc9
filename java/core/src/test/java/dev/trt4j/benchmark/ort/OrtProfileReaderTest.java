package dev.trt4j.benchmark.ort;

import dev.trt4j.Trt4jException;
import dev.trt4j.timing.LayerProfile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading ONNX Runtime's Chrome-trace profile: only the last runs count, fences and session events do not. */
class OrtProfileReaderTest {
    /** Three runs of two nodes, the first a warm-up; times in microseconds, as ONNX Runtime writes them. */
    private static final String TRACE = """
            [
            {"cat":"Session","name":"model_loading_uri","ts":0,"dur":500,"args":{}},
            {"cat":"Session","name":"model_run","ts":1000,"dur":100,"args":{}},
            {"cat":"Node","name":"conv_kernel_time","ts":1010,"dur":9000,"args":{"op_name":"Conv"}},
            {"cat":"Node","name":"_kernel_time","ts":1050,"dur":9000,"args":{"op_name":"Relu","node_index":"7"}},
            {"cat":"Session","name":"model_run","ts":2000,"dur":100,"args":{}},
            {"cat":"Node","name":"conv_fence_before","ts":2005,"dur":300,"args":{"op_name":"Conv"}},
            {"cat":"Node","name":"conv_kernel_time","ts":2010,"dur":40,"args":{"op_name":"Conv"}},
            {"cat":"Node","name":"_kernel_time","ts":2060,"dur":20,"args":{"op_name":"Relu","node_index":"7"}},
            {"cat":"Session","name":"model_run","ts":3000,"dur":100,"args":{}},
            {"cat":"Node","name":"_kernel_time","ts":3060,"dur":10,"args":{"op_name":"Relu","node_index":"7"}},
            {"cat":"Node","name":"conv_kernel_time","ts":3010,"dur":60,"args":{"op_name":"Conv"}}
            ]""";

    @Test
    void keepsTheNodesOfTheLastRunsOnly() {
        LayerProfile p = OrtProfileReader.read(TRACE, 2, "m.onnx");
        assertThat(p.queries()).isEqualTo(2);
        assertThat(p.layers()).extracting(LayerProfile.Layer::name).containsExactly("conv", "#7");
        assertThat(p.layers()).extracting(LayerProfile.Layer::operator).containsExactly("Conv", "Relu");
        assertThat(p.layers().get(0).msPerQuery()).containsExactly(0.04, 0.06);
        assertThat(p.layers().get(1).msPerQuery()).containsExactly(0.02, 0.01);
        assertThat(OrtProfileReader.read(TRACE, 3, "m.onnx").layers().get(0).msPerQuery()[0])
                .as("the first run counts when asked for").isEqualTo(9.0);
    }

    /** ONNX Runtime writes a node's name as the model gives it: an escape character there is no JSON escape. */
    @Test
    void readsNodeNamesHoldingControlCharactersAsOnnxRuntimeWritesThem() {
        String trace = "[{\"cat\":\"Session\",\"name\":\"model_run\",\"ts\":0,\"dur\":1,\"args\":{}},"
                + "{\"cat\":\"Node\",\"name\":\"a\u001b[2Jb_kernel_time\",\"ts\":1,\"dur\":5,"
                + "\"args\":{\"op_name\":\"Relu\"}}]";

        LayerProfile p = OrtProfileReader.read(trace, 1, "m.onnx");

        assertThat(p.layers()).extracting(LayerProfile.Layer::name).containsExactly("a\u001b[2Jb");
    }

    /**
     * ONNX Runtime 1.29's own layout (spaces before the colons) with node names holding a quote, a backslash, a
     * backslash before n and a trailing backslash, all written as the model gives them.
     */
    @Test
    void readsNodeNamesHoldingQuotesAndBackslashesAsOnnxRuntimeWritesThem() {
        String trace = """
                [
                {"cat" : "Node","pid" :1,"tid" :2,"dur" :7,"ts" :10,"ph" : "X","name" :"mm "w" C:\\m\\_kernel_time",\
                "args" : {"op_name" : "MatMul","thread_scheduling_stats" : {"main_thread": {"thread_pool_name": "p"}}}},
                {"cat" : "Node","pid" :1,"tid" :2,"dur" :3,"ts" :20,"ph" : "X","name" :"relu\\n_kernel_time",\
                "args" : {"op_name" : "Relu","input_type_shape" : [{"float":[1,4]}]}},
                {"cat" : "Session","pid" :1,"tid" :2,"dur" :30,"ts" :5,"ph" : "X","name" :"model_run","args" : {}}
                ]""";

        LayerProfile p = OrtProfileReader.read(trace, 1, "m.onnx");

        assertThat(p.layers()).extracting(LayerProfile.Layer::name).containsExactly("mm \"w\" C:\\m\\",
                "relu\\n");
        assertThat(p.layers()).extracting(LayerProfile.Layer::operator).containsExactly("MatMul", "Relu");
    }

    @Test
    void aProfileWithFewerRunsOrNoArrayIsAnError() {
        assertThatThrownBy(() -> OrtProfileReader.read(TRACE, 4, "m.onnx")).isInstanceOf(Trt4jException.class)
                .hasMessage("m.onnx: ONNX Runtime's profile holds 3 runs, not the 4 profiled queries");
        assertThatThrownBy(() -> OrtProfileReader.read("{\"a\": 1}", 1, "m.onnx"))
                .hasMessage("m.onnx: ONNX Runtime's profile is not an array of trace events");
        assertThatThrownBy(() -> OrtProfileReader.read("[{", 1, "m.onnx"))
                .hasMessageStartingWith("m.onnx: ONNX Runtime's profile is not JSON");
    }
}
