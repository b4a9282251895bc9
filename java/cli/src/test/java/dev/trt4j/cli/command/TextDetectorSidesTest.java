package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PP-OCR text detector halves its image sides five times and adds each level's map to the next, so it takes sides
 * that are multiples of 32. The user's own pages at another --shapes failed in ONNX Runtime with a broadcast error
 * deep in the graph ("13 by 14", exit 1); every command that reads data for a detector refuses the size up front, in
 * the one line rendered pages were already refused in.
 */
class TextDetectorSidesTest {
    private static final String REFUSAL = ": model input 'x' is given 200x250 images, but a text detector takes sides "
            + "that are multiples of 32 (it halves them five times, and PaddleOCR rounds them so); nearest: 192x256 "
            + "(set the size with --shapes)";

    @TempDir
    static Path dir;
    static Path det;
    static Path pages;

    @BeforeAll
    static void models() throws IOException {
        det = TestModels.ppocrDetector(dir.resolve("det.onnx"));
        pages = Files.createDirectory(dir.resolve("pages"));
        for (int i = 0; i < 2; i++) {
            ImageIO.write(new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB), "png",
                    pages.resolve("page" + i + ".png").toFile());
        }
    }

    @Test
    void everyCommandRefusesTheUsersPagesAtSidesADetectorCannotTake() {
        String[] odd = {"--data", pages.toString(), "--shapes", "x:1x3x200x250"};
        assertRefused(CliRun.of(with(odd, "calibrate", det.toString(), "--out", dir.resolve("cal").toString())));
        assertRefused(CliRun.of(with(odd, "evaluate", "--reference", det.toString(), "--candidate",
                det.toString())));
        assertRefused(CliRun.of(with(odd, "compare-calibrators", det.toString(), "--samples", "1", "--eval-samples",
                "1", "--out", dir.resolve("compare").toString())));
        assertRefused(CliRun.of(with(odd, "sensitivity", det.toString(), "--samples", "1", "--eval-samples", "1")));
        assertThat(dir.resolve("cal")).doesNotExist();
        assertThat(dir.resolve("compare")).doesNotExist();

        // quantize reads data for bias correction, with ranges calibrated at a size the detector takes
        Path ranges = dir.resolve("ranges");
        CliRun calibrate = CliRun.of("calibrate", det.toString(), "--data", pages.toString(), "--shapes",
                "x:1x3x96x128", "--samples", "1", "--method", "max", "--out", ranges.toString());
        assertThat(calibrate.exitCode()).as(calibrate.err()).isZero();
        assertRefused(CliRun.of(with(odd, "quantize", det.toString(), "--table",
                ranges.resolve("max.table.json").toString(), "--bias-correction", "--out",
                dir.resolve("q.onnx").toString())));
        assertThat(dir.resolve("q.onnx")).doesNotExist();
    }

    /** --shapes set a page too small to draw six lines on: a usage error like the other refusals of its size. */
    @Test
    void renderedPagesTooSmallAreAUsageError() {
        CliRun small = CliRun.of("calibrate", det.toString(), "--shapes", "x:1x3x100x100", "--out",
                dir.resolve("small").toString());
        assertThat(small.errLines()).containsExactly("trt4j: bundled sentences: model input 'x' takes 100x100 images; "
                + "rendered text pages need at least 128x96 (set the size with --shapes)");
        assertThat(small.exitCode()).isEqualTo(2);
    }

    private static void assertRefused(CliRun run) {
        assertThat(run.errLines()).containsExactly("trt4j: " + pages + REFUSAL);
        assertThat(run.exitCode()).isEqualTo(2);
    }

    private static String[] with(String[] options, String... command) {
        String[] all = new String[command.length + options.length];
        System.arraycopy(command, 0, all, 0, command.length);
        System.arraycopy(options, 0, all, command.length, options.length);
        return all;
    }
}
