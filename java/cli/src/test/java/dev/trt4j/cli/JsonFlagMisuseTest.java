package dev.trt4j.cli;

import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --json FILE} where {@code --json} is a flag: one line saying what --json does, exit 2, nothing run. */
class JsonFlagMisuseTest {
    private static final String LINE = "trt4j: --json takes no file name; it prints JSON on stdout (redirect it: "
            + "--json > x.json)";

    @TempDir
    Path dir;

    @Test
    void aFileBeforeTheModel() throws IOException {
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        assertMisuse(CliRun.of("inspect", "--json", dir.resolve("x.json").toString(), model.toString()));
    }

    @Test
    void aFileAfterTheModel() throws IOException {
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        assertMisuse(CliRun.of("inspect", model.toString(), "--json", dir.resolve("x.json").toString()));
        // not only .json names: an argument nothing takes after --json was meant for it
        assertMisuse(CliRun.of("inspect", model.toString(), "--json", dir.resolve("report").toString()));
    }

    @Test
    void aFileTakenAsTheModel() {
        // without a model the file would be read as the model, and fail as one (exit 1)
        assertMisuse(CliRun.of("inspect", "--json", dir.resolve("x.json").toString()));
    }

    @Test
    void helpIsShownWhateverFollowsJson() {
        // as 'inspect -h x.json' shows the help
        for (String[] args : new String[][] {{"inspect", "-h", "--json", "x.json"}, {"inspect", "--json", "x.json",
            "--help"}, {"calibrate", "--json", "x.json", "-h"}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(run.out()).as(String.join(" ", args)).startsWith("Usage: trt4j " + args[0]);
            assertThat(run.err()).isEmpty();
        }
    }

    @Test
    void anAttachedFile() throws IOException {
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        assertMisuse(CliRun.of("inspect", model.toString(), "--json=" + dir.resolve("x.json")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"inspect", "calibrate", "amax", "cache show", "quantize", "equalize", "convert",
        "evaluate", "compare-calibrators", "sensitivity", "doctor"})
    void everyCommandWhoseJsonIsAFlag(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--json", dir.resolve("out.json").toString(), dir.resolve("m.onnx").toString()));
        assertMisuse(CliRun.of(args.toArray(String[]::new)));
    }

    @Test
    void aJsonFileThatIsTheInputIsKept() throws IOException {
        // cache show reads trt4j tables (.json): --json then prints the one given
        Path table = dir.resolve("t.table.json");
        new CalibrationTable(Map.of("x", 2f), Provenance.unknown()).write(table);
        CliRun run = CliRun.of("cache", "show", "--json", table.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("{");
        // and another mistake beside it is reported as itself
        CliRun unknown = CliRun.of("cache", "show", "--json", table.toString(), "--bogus");
        assertThat(unknown.errLines()).singleElement().asString().startsWith("trt4j: Unknown option: '--bogus'");
        assertThat(unknown.exitCode()).isEqualTo(2);
    }

    @Test
    void benchJsonTakesAFile() {
        CliRun run = CliRun.of("bench", "--json", dir.resolve("times.json").toString(),
                dir.resolve("missing.onnx").toString());
        assertThat(run.err()).doesNotContain("--json takes no file name").contains("missing.onnx");
        assertThat(Files.exists(dir.resolve("times.json"))).isFalse();
    }

    @Test
    void aModelAfterJsonIsAnExtraArgumentNotAJsonFile() {
        // evaluate takes its models through --reference and --candidate; these were never meant as --json's file.
        CliRun run = CliRun.of("evaluate", "--json", dir.resolve("ref.onnx").toString(),
                dir.resolve("cand.onnx").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).doesNotContain("--json takes no file name").contains("ref.onnx");
    }

    private void assertMisuse(CliRun run) {
        assertThat(run.errLines()).containsExactly(LINE);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(dir.resolve("x.json")).doesNotExist();
        assertThat(dir.resolve("out.json")).doesNotExist();
    }
}
