package dev.trt4j.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Loads the report in headless Chromium (Debian's {@code chromium}): every image must load and the page must
 * render. Skipped, saying why, where Chromium is not installed; {@code .ci/run} installs it.
 */
class ReportInBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String PROBE = """
            <script>
            window.addEventListener('load', () => {
              const images = Array.from(document.images);
              const loaded = images.filter(i => i.complete && i.naturalWidth > 0).length;
              document.body.setAttribute('data-images', loaded + '/' + images.length);
            });
            </script>
            """;

    @TempDir
    Path dir;

    @Test
    void chromiumLoadsThePageWithAllItsImages() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed (no /usr/bin/chromium): "
                + "apt-get update && apt-get install -y chromium");
        CalibrationFolder calibration = CalibrationFolder.read(ReportFixture.calibrationFolder(dir.resolve("cal")));
        Path page = new ReportWriter().write(dir.resolve("report"), calibration,
                ReportFixture.byFile(ReportFixture.comparison("a.onnx", 0.96, 0.5)), ReportFixture.sensitivity());
        // The report has no script of its own; a copy with a probe marks how many images loaded.
        Path probed = page.resolveSibling("probed.html");
        Files.writeString(probed, Files.readString(page).replace("</body>", PROBE + "</body>"));

        String dom = chromium(dir, "--dump-dom", "--virtual-time-budget=5000", probed.toUri().toString());
        Matcher m = Pattern.compile("data-images=\"(\\d+)/(\\d+)\"").matcher(dom);
        assertThat(m.find()).as("the probe ran; DOM was: %s", dom.length() > 300 ? dom.substring(0, 300) : dom)
                .isTrue();
        assertThat(m.group(2)).isEqualTo(String.valueOf(ReportFixture.TENSORS.size()));
        assertThat(m.group(1)).as("images loaded").isEqualTo(m.group(2));

        Path shot = dir.resolve("shot.png");
        chromium(dir, "--screenshot=" + shot, "--window-size=1200,1600", page.toUri().toString());
        BufferedImage image = ImageIO.read(shot.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(distinctColours(image)).as("a rendered page, not a blank one").isGreaterThan(20);
    }

    private static String chromium(Path dir, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path stdout = dir.resolve("chromium.out");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(dir.resolve("chromium.err").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        assertThat(p.exitValue()).as("chromium exit code; stderr: %s", Files.readString(dir.resolve("chromium.err")))
                .isZero();
        return Files.readString(stdout);
    }

    private static int distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
