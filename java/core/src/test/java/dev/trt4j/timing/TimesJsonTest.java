package dev.trt4j.timing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimesJsonTest {
    @TempDir
    Path dir;

    @Test
    void writesTrtexecExportTimesKeysAndReadsThemBack() throws Exception {
        List<InferenceTrace> traces = Traces.regular(3, 200, 10, 0.25, new double[] {2, 3}, 0.5, 0.125);
        Path file = dir.resolve("times.json");
        TimesJson.write(file, traces, true);

        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertThat(root.isArray()).isTrue();
        assertThat(root).hasSize(3);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = root.get(1).fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertThat(keys).containsExactly("startEnqMs", "endEnqMs", "startH2dMs", "endH2dMs", "startComputeMs",
                "endComputeMs", "startD2hMs", "endD2hMs", "h2dMs", "computeMs", "d2hMs", "latencyMs");
        assertThat(root.get(1).get("computeMs").doubleValue()).isEqualTo(3);
        assertThat(root.get(1).get("latencyMs").doubleValue()).isEqualTo(3.75);
        assertThat(root.get(1).get("startH2dMs").doubleValue()).isEqualTo(210);
        assertThat(Files.readAllLines(file)).hasSize(5); // one query per line between the brackets

        assertThat(TimesJson.read(file)).isEqualTo(traces);
    }

    @Test
    void copiesNotTimedAreNullNotZeroAndTheStampsStayNumbers() throws Exception {
        List<InferenceTrace> traces = List.of(InferenceTrace.withoutTransfers(0, 0.5, 1, 3));
        Path file = dir.resolve("cpu.json");
        TimesJson.write(file, traces, false);

        JsonNode query = new ObjectMapper().readTree(file.toFile()).get(0);
        assertThat(query.get("h2dMs").isNull()).isTrue();
        assertThat(query.get("d2hMs").isNull()).isTrue();
        assertThat(query.get("computeMs").doubleValue()).isEqualTo(2);
        assertThat(query.get("latencyMs").doubleValue()).isEqualTo(2);
        assertThat(query.get("startH2dMs").doubleValue()).isEqualTo(1);
        assertThat(TimesJson.read(file)).isEqualTo(traces);
    }

    @Test
    void namesTheQueryThatLacksAStamp() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "[{\"startEnqMs\": 1}]");
        assertThatThrownBy(() -> TimesJson.read(file)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("query 0 has no number 'endEnqMs'");
    }

    @Test
    void truncatedFileGivesOneReadableLine() throws Exception {
        Path file = dir.resolve("cut.json");
        Files.writeString(file, "[{\"startEnqMs\": 1}");
        assertThatThrownBy(() -> TimesJson.read(file)).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": not valid JSON at line 1, column 19: unexpected end of input"
                        + " (an array is not closed)");
    }
}
