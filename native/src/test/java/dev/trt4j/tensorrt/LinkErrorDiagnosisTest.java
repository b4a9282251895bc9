package dev.trt4j.tensorrt;

import dev.trt4j.engine.MissingComponent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinkErrorDiagnosisTest {
    @Test
    void namesTheLibraryTheLinkerCouldNotOpen() {
        MissingComponent m = LinkErrorDiagnosis.diagnose("TensorRT", new UnsatisfiedLinkError(
                "/root/.javacpp/cache/tensorrt-linux-x86_64.jar/org/bytedeco/tensorrt/linux-x86_64/libjninvinfer.so: "
                        + "libnvinfer.so.10: cannot open shared object file: No such file or directory"));
        // the first soname is JavaCPP's glue, which exists; the one the linker could not open is TensorRT
        assertThat(m.component()).isEqualTo("TensorRT");
        assertThat(LinkErrorDiagnosis.diagnose("x", new UnsatisfiedLinkError("/tmp/libjnicudart.so: undefined symbol foo"))
                .component()).isEqualTo("JavaCPP JNI bindings");
        MissingComponent trt = LinkErrorDiagnosis.diagnose("TensorRT",
                new UnsatisfiedLinkError("libnvinfer.so.10: cannot open shared object file: No such file or directory"));
        assertThat(trt.line()).startsWith("TensorRT: libnvinfer.so.10 not found; build trt4j with -Pgpu");
    }

    @Test
    void mapsJavaCppsNoLibraryMessages() {
        assertThat(LinkErrorDiagnosis.diagnose("CUDA runtime",
                new UnsatisfiedLinkError("no jnicudart in java.library.path: /usr/java/packages/lib")).component())
                .isEqualTo("JavaCPP JNI bindings");
        assertThat(LinkErrorDiagnosis.diagnose("CUDA runtime", new UnsatisfiedLinkError("no cudart in java.library.path"))
                .component()).isEqualTo("CUDA runtime");
        assertThat(LinkErrorDiagnosis.diagnose("x", new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file"))
                .line()).isEqualTo(MissingComponent.cudaDriver("libcuda.so.1").line());
        assertThat(LinkErrorDiagnosis.diagnose("x", new UnsatisfiedLinkError("libcudnn_graph.so.9: cannot open")).component())
                .isEqualTo("CUDA library cudnn_graph");
        assertThat(LinkErrorDiagnosis.diagnose("ONNX", new UnsatisfiedLinkError("no nvonnxparser in java.library.path"))
                .component()).isEqualTo("TensorRT ONNX parser");
    }

    @Test
    void readsTheCauseWhenJavaCppReportsItsGlueAsMissing() {
        // JavaCPP's own message blames its JNI library, which is there; the linker's, in the cause, names the real one
        UnsatisfiedLinkError javacpp = new UnsatisfiedLinkError("no jninvinfer in java.library.path: /usr/lib");
        javacpp.initCause(new UnsatisfiedLinkError("/root/.javacpp/cache/x/libjninvinfer.so: libnvinfer.so.10: "
                + "cannot open shared object file: No such file or directory"));
        assertThat(LinkErrorDiagnosis.diagnose("TensorRT", javacpp).component()).isEqualTo("TensorRT");
        UnsatisfiedLinkError cudnn = new UnsatisfiedLinkError("no jnicudnn in java.library.path: /usr/lib");
        cudnn.initCause(new UnsatisfiedLinkError("/c/libjnicudnn.so: libcudnn_cnn.so.9: cannot open shared object "
                + "file: No such file or directory"));
        assertThat(LinkErrorDiagnosis.diagnose("cuDNN", cudnn).component()).isEqualTo("CUDA library cudnn_cnn");
        // without a linker message in the chain, JavaCPP's own words still count
        UnsatisfiedLinkError glue = new UnsatisfiedLinkError("no jninvinfer in java.library.path: /usr/lib");
        glue.initCause(new UnsatisfiedLinkError("no jninvinfer in java.library.path"));
        assertThat(LinkErrorDiagnosis.diagnose("TensorRT", glue).component()).isEqualTo("JavaCPP JNI bindings");
    }

    @Test
    void unknownErrorsStillGiveOneLine() {
        MissingComponent m = LinkErrorDiagnosis.diagnose("TensorRT", new NoClassDefFoundError("Could not initialize class X\nmore"));
        assertThat(m.line()).startsWith("TensorRT: cannot be loaded (NoClassDefFoundError: Could not initialize class X)")
                .doesNotContain("\n");
    }

    @Test
    void aLibraryTheLinkerFoundButCouldNotLoadIsNamedWithItsPath() {
        // JavaCPP blames its glue; the cause says an empty libcuda.so.1 came first on LD_LIBRARY_PATH
        UnsatisfiedLinkError javacpp = new UnsatisfiedLinkError("no jnicudart in java.library.path: /usr/lib");
        javacpp.initCause(new UnsatisfiedLinkError("/c/cache/libjnicudart.so: /opt/fake/libcuda.so.1: file too short"));
        assertThat(LinkErrorDiagnosis.diagnose("CUDA runtime", javacpp).line()).isEqualTo("CUDA driver: "
                + "/opt/fake/libcuda.so.1 cannot be loaded (file too short); remove or replace that file: the first "
                + "libcuda.so.1 on the library path (LD_LIBRARY_PATH, then the system's) must be a working 64-bit "
                + "Linux library");
        assertThat(LinkErrorDiagnosis.diagnose("TensorRT", new UnsatisfiedLinkError("/x/libjninvinfer.so: "
                + "/usr/lib32/libnvinfer.so.10: wrong ELF class: ELFCLASS32")).detail())
                .isEqualTo("/usr/lib32/libnvinfer.so.10 cannot be loaded (wrong ELF class: ELFCLASS32)");
    }
}
