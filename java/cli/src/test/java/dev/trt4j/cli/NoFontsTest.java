package dev.trt4j.cli;

import dev.trt4j.cli.CliProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A host without fonts (a bare CUDA image): commands that render text lines fail in one line, not a stack trace. */
class NoFontsTest {
    @TempDir
    Path work;

    @Test
    void renderingTextWithoutAnyFontIsOneLine() throws Exception {
        Path model = TestModels.ppocrClassifier(work.resolve("cls.onnx"));
        // a fontconfig that lists no font folder; a home of its own, so that no cached font list is found
        Path conf = Files.writeString(work.resolve("fonts.conf"), "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig></fontconfig>\n");
        Path home = Files.createDirectories(work.resolve("home"));

        Result r = CliProcess.run(work, CliProcess.testClassPath(), Map.of("FONTCONFIG_FILE", conf.toString()),
                List.of("-Duser.home=" + home), "calibrate", model.toString(), "--samples", "2", "--method", "max",
                "--out", work.resolve("out").toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderrLines()).singleElement().asString()
                .startsWith("trt4j: rendering text needs the Java runtime's font libraries and a font")
                .contains("fonts-dejavu-core");
        assertThat(work.resolve("out")).doesNotExist();
    }
}
