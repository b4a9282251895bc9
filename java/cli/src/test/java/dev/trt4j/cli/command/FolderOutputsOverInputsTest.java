package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands that write a set of files into a folder refuse, before any work, a file of that set that is one of
 * their inputs: the model in the output folder under an output's name, or a link there to the model, the data, the
 * statistics or a report's inputs. Writing it would replace the input (writes follow links).
 */
class FolderOutputsOverInputsTest {
    @TempDir
    Path dir;

    @Test
    void calibrateRefusesAModelNamedAsOneOfItsOutputs() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("trap"));
        Path model = TestModels.matMul(folder.resolve("max.cache"));
        byte[] before = Files.readAllBytes(model);

        CliRun run = CliRun.of("calibrate", model.toString(), "--samples", "4", "--batch", "4", "--method", "max",
                "--out", folder.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --out " + folder + " would write " + model + ", which is "
                + "the model this command reads; give another --out");
        assertThat(Files.readAllBytes(model)).isEqualTo(before);
        assertThat(folder).isDirectoryNotContaining(p -> !p.equals(model));
    }

    @Test
    void calibrateRefusesALinkInItsFolderToTheModelOrTheData() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path link = Files.createSymbolicLink(out.resolve("max.cache"), model);
        byte[] before = Files.readAllBytes(model);

        CliRun run = CliRun.of("calibrate", model.toString(), "--samples", "4", "--batch", "4", "--method", "max",
                "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --out " + out + " would write " + link + ", which is the "
                + "model this command reads; give another --out");
        assertThat(Files.readAllBytes(model)).isEqualTo(before);

        Files.delete(link);
        Path data = dir.resolve("d.raw");
        Files.write(data, new byte[4 * 4 * 4]);
        Path tableLink = Files.createSymbolicLink(out.resolve("max.table.json"), data);
        CliRun overData = CliRun.of("calibrate", model.toString(), "--data", data.toString(), "--shapes", "x:4x4",
                "--samples", "4", "--batch", "4", "--method", "max", "--out", out.toString());
        assertThat(overData.exitCode()).isEqualTo(2);
        assertThat(overData.errLines()).containsExactly("trt4j: --out " + out + " would write " + tableLink
                + ", which is --data this command reads; give another --out");
        assertThat(Files.size(data)).isEqualTo(64);
    }

    @Test
    void calibrateStillTakesItsOwnStatisticsFileFromItsFolder() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");
        assertThat(CliRun.of("calibrate", model.toString(), "--samples", "4", "--batch", "4", "--method", "max",
                "--out", out.toString()).exitCode()).isZero();

        CliRun again = CliRun.of("calibrate", model.toString(), "--statistics",
                out.resolve("statistics.json").toString(), "--method", "entropy", "--out", out.toString());

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(out.resolve("entropy.table.json")).isRegularFile();
    }

    @Test
    void compareCalibratorsRefusesALinkInItsCalibrationFolderToTheModel() throws IOException {
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        Path calibration = Files.createDirectories(dir.resolve("cmp/calibration"));
        Path link = Files.createSymbolicLink(calibration.resolve("max.cache"), model);
        byte[] before = Files.readAllBytes(model);

        CliRun run = CliRun.of("compare-calibrators", model.toString(), "--methods", "max", "--samples", "8",
                "--batch", "4", "--out", dir.resolve("cmp").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --out " + dir.resolve("cmp") + " would write " + link
                + ", which is the model this command reads; give another --out");
        assertThat(Files.readAllBytes(model)).isEqualTo(before);
    }

    @Test
    void markdownThroughALinkToTheComparisonIsRefusedBeforeTheWork() throws IOException {
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        Path out = dir.resolve("cmp");
        Path link = Files.createSymbolicLink(dir.resolve("md-link"), out.resolve("comparison.json"));

        CliRun run = CliRun.of("compare-calibrators", model.toString(), "--methods", "max", "--samples", "8",
                "--batch", "4", "--out", out.toString(), "--markdown", link.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --markdown names " + link + ", which --out's folder " + out
                + " holds; give another file");
        assertThat(out).doesNotExist();
    }

    @Test
    void reportRefusesAPageThatIsALinkToTheStatisticsItDraws() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path cal = dir.resolve("cal");
        assertThat(CliRun.of("calibrate", model.toString(), "--samples", "4", "--batch", "4", "--method", "max",
                "--out", cal.toString()).exitCode()).isZero();
        Path statistics = cal.resolve("statistics.json");
        String before = Files.readString(statistics);
        Path report = Files.createDirectories(dir.resolve("report"));
        Path page = Files.createSymbolicLink(report.resolve("index.html"), statistics);

        CliRun run = CliRun.of("report", "--calibration", cal.toString(), "--out", report.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --out " + report + " would write " + page + ", which is "
                + "--calibration's statistics this command reads; give another --out");
        assertThat(Files.readString(statistics)).isEqualTo(before);
    }
}
