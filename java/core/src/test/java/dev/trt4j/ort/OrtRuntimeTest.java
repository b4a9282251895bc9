package dev.trt4j.ort;

import dev.trt4j.engine.Availability;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class OrtRuntimeTest {
    private static final Path TRACE = Path.of("/tmp", "mat-debug-" + ProcessHandle.current().pid() + ".log");

    @Test
    void availableWhereTheEnvironmentStarts() {
        Availability a = OrtRuntime.availability();
        assertThat(a.available()).as(a.reason()).isTrue();
        assertThat(OrtRuntime.environment()).isNotNull();
        assertThat(TRACE).as("the empty file ONNX Runtime 1.29 creates on load is not left in /tmp")
                .doesNotExist();
    }

    @Test
    void onlyAnEmptyTraceFileIsRemoved() throws IOException {
        try {
            Files.writeString(TRACE, "something ONNX Runtime wrote");
            OrtRuntime.removeEmptyTraceFile();
            assertThat(TRACE).exists();
            Files.writeString(TRACE, "");
            OrtRuntime.removeEmptyTraceFile();
            assertThat(TRACE).doesNotExist();
        } finally {
            Files.deleteIfExists(TRACE);
        }
    }
}
