package dev.trt4j.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmaxTableReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsEachAcceptedLayoutInFileOrder() throws Exception {
        String[] layouts = {
            "{\"method\":\"entropy\",\"tensors\":{\"x\":1.5,\"y\":2}}",
            "{\"tensors\":{\"x\":{\"amax\":1.5,\"scale\":0.01},\"y\":{\"amax\":2}}}",
            "{\"tensors\":[{\"name\":\"x\",\"amax\":1.5},{\"name\":\"y\",\"amax\":2}]}",
            "{\"amax\":{\"x\":1.5,\"y\":2.0}}"};
        for (String json : layouts) {
            Path file = Files.writeString(dir.resolve("t.json"), json);
            AmaxTable table = AmaxTableReader.read(file);
            assertThat(table.amax()).as(json).containsExactly(
                    org.assertj.core.api.Assertions.entry("x", 1.5f), org.assertj.core.api.Assertions.entry("y", 2f));
            assertThat(table.sha256()).isEqualTo(Sha256.of(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    @Test
    void explainsWhatIsWrong() throws Exception {
        assertThatThrownBy(() -> AmaxTableReader.read(dir.resolve("none.json"))).hasMessageEndingWith("calibration table not found");
        Path noRanges = Files.writeString(dir.resolve("a.json"), "{\"method\":\"max\"}");
        assertThatThrownBy(() -> AmaxTableReader.read(noRanges)).hasMessageContaining("no tensor ranges found");
        Path badValue = Files.writeString(dir.resolve("b.json"), "{\"tensors\":{\"x\":\"big\"}}");
        assertThatThrownBy(() -> AmaxTableReader.read(badValue)).hasMessageContaining("tensor 'x' has no numeric amax");
        Path notJson = Files.writeString(dir.resolve("c.json"), "TRT-101501-EntropyCalibration2\n");
        assertThatThrownBy(() -> AmaxTableReader.read(notJson)).hasMessageContaining("not a readable JSON calibration table")
                .message().doesNotContain("\n");
    }
}
