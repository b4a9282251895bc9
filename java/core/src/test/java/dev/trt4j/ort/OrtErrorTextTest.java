package dev.trt4j.ort;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrtErrorTextTest {
    @Test
    void aLoadErrorKeepsOnlyWhatIsWrongWithTheModel() {
        String message = "Error code - ORT_FAIL - message: Load model from /tmp/m.onnx failed:/onnxruntime_src/"
                + "onnxruntime/core/graph/model_load_utils.h:46 void onnxruntime::model_load_utils::"
                + "ValidateOpsetForDomain(const std::unordered_map<std::__cxx11::basic_string<char>, int>&, "
                + "const onnxruntime::logging::Logger&, bool, const std::string&, int) ONNX Runtime only *guarantees* "
                + "support for models stamped with official released onnx opset versions. Opset 99 is under "
                + "development.\nsecond line";

        assertThat(OrtErrorText.of(message)).isEqualTo("ONNX Runtime only *guarantees* support for models stamped "
                + "with official released onnx opset versions. Opset 99 is under development.");
    }

    @Test
    void aMessageWithoutTheseDecorationsIsKeptAsItsFirstLine() {
        assertThat(OrtErrorText.of("Error code - ORT_INVALID_GRAPH - message: Load model from a.onnx failed:This "
                + "is an invalid model. Error No Op registered for HardSigmoiX with domain_version of 11"))
                .isEqualTo("This is an invalid model. Error No Op registered for HardSigmoiX with domain_version of 11");
        assertThat(OrtErrorText.of("  plain message\nmore")).isEqualTo("plain message");
        assertThat(OrtErrorText.of(null)).isEqualTo("unknown error");
        assertThat(OrtErrorText.of("Error code - ORT_FAIL - message: ")).isEqualTo("unknown error");
    }

    @Test
    void aRefusedNodeIsNamedWithoutTheTypesTheLoaderLists() {
        assertThat(OrtErrorText.of("Error code - ORT_INVALID_GRAPH - message: This is an invalid model. In Node, "
                + "(\"Softmay@0\", Softmay, \"\", -1) : (\"linear_1.tmp_1\": tensor(float),) -> (\"softmax_0.tmp_0\",) , "
                + "Error No Op registered for Softmay with domain_version of 11"))
                .isEqualTo("node 'Softmay@0' has operator Softmay, which ONNX opset 11 does not define");
        assertThat(OrtErrorText.of("This is an invalid model. In Node, (\"\", MyPlugin, \"trt.plugins\", -1) : "
                + "(\"x\": tensor(float),) -> (\"y\",) , Error No opset import for domain 'trt.plugins'"))
                .isEqualTo("node 'MyPlugin' (trt.plugins:MyPlugin): No opset import for domain 'trt.plugins'");
    }

    @Test
    void aLocationWithoutASignatureLeavesTheRestAlone() {
        assertThat(OrtErrorText.of("/src/a.cc:12 Non-zero status code returned while running Conv node."))
                .isEqualTo("Non-zero status code returned while running Conv node.");
        assertThat(OrtErrorText.of("x /src/f.h:3 void f() const  what failed")).isEqualTo("x what failed");
    }
}
