package dev.trt4j.data.image;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.compare.SampleSplit;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.data.text.KnownLines;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageLabelFileTest {
    private static final TensorSpec LINE = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, 192}, null);

    @TempDir
    Path dir;

    /** Images made so far: each gets a white pixel of its own, so no two are copies of each other. */
    private int images;

    private Path image(String name) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(96, 24, BufferedImage.TYPE_INT_RGB);
        image.setRGB(images % 96, images++ / 96, 0xFFFFFF);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void pathsAreReadRelativeToTheLabelFileAndLabelsKeepTheirSpaces() throws IOException {
        image("train/a.png");
        image("train/b b.jpg");
        Path gt = Files.writeString(dir.resolve("rec_gt.txt"), "\uFEFFtrain/a.png\tHello world\r\n\ntrain/b b.jpg\t180\n");

        assertThat(ImageLabelFile.looksLike(gt)).isTrue();
        ImageLabelFile labels = ImageLabelFile.read(gt);
        assertThat(labels.images()).containsExactly(dir.resolve("train/a.png"), dir.resolve("train/b b.jpg"));
        assertThat(labels.labels()).containsExactly("Hello world", "180");
        assertThat(labels.lines()).containsExactly(1, 3);
    }

    @Test
    void sentencesAndListsWithoutLabelsAreNoLabelFiles() throws IOException {
        assertThat(ImageLabelFile.looksLike(Files.writeString(dir.resolve("s.txt"), "The cat sat.\n"))).isFalse();
        // TensorRT's calibration lists name files alone; a space is no tab
        assertThat(ImageLabelFile.looksLike(Files.writeString(dir.resolve("l.txt"), "a.png\nb.png\n"))).isFalse();
        assertThat(ImageLabelFile.looksLike(Files.writeString(dir.resolve("sp.txt"), "a.png hello\n"))).isFalse();
        assertThat(ImageLabelFile.looksLike(Files.writeString(dir.resolve("e.txt"), "\n\n"))).isFalse();
    }

    @Test
    void aMissingImageAnEmptyLabelAndDetectionBoxesAreNamedByLine() throws IOException {
        image("a.png");
        Path missing = Files.writeString(dir.resolve("m.txt"), "a.png\tok\nb.png\tgone\n");
        assertThatThrownBy(() -> ImageLabelFile.read(missing)).isInstanceOf(Trt4jException.class)
                .hasMessage(missing + ": line 2: no image " + dir.resolve("b.png") + " (paths are read relative to "
                        + "the label file's folder)");
        Path empty = Files.writeString(dir.resolve("e.txt"), "a.png\t \n");
        assertThatThrownBy(() -> ImageLabelFile.read(empty)).hasMessage(empty + ": line 1 has no label after its tab");
        Path boxes = Files.writeString(dir.resolve("d.txt"),
                "a.png\t[{\"transcription\": \"hi\", \"points\": [[0, 0], [9, 0], [9, 9], [0, 9]]}]\n");
        assertThatThrownBy(() -> ImageLabelFile.read(boxes)).hasMessage(boxes + ": line 1 holds text boxes "
                + "(PaddleOCR's detection labels), which trt4j does not read; give --data the folder of the images");
    }

    /** A header row or comment among label lines is refused by its line, not the whole file drawn as sentences. */
    @Test
    void aStrayLineAmongLabelLinesIsNamedAndMostlySentencesStaySentences() throws IOException {
        image("a.png");
        image("b.png");
        Path header = Files.writeString(dir.resolve("h.txt"), "image\tlabel\na.png\tHello\nb.png\tworld\n");
        assertThat(ImageLabelFile.looksLike(header)).isTrue();
        assertThatThrownBy(() -> ImageLabelFile.read(header)).isInstanceOf(Trt4jException.class)
                .hasMessage(header + ": line 1 ('image\\u0009label') is not an image path, a tab and a label, as the "
                        + "file's other lines are; a label file holds nothing else (a header or comment included)");
        Path prose = Files.writeString(dir.resolve("p.txt"), "The cat sat.\nOn the mat.\na.png\tlooks odd\n");
        assertThat(ImageLabelFile.looksLike(prose)).isFalse();
    }

    /**
     * A label file of .webp images alone, and one with a space for a tab on a line, are label files refused by the
     * line at fault: not lists of file names, nor text to draw.
     */
    @Test
    void aLabelFileOfUnreadImagesOrAMissingTabIsNamedByLine() throws IOException {
        image("a.png");
        Path webp = Files.writeString(dir.resolve("allwebp.txt"), "a.webp\tHello\nb.webp\tworld\n");
        assertThat(ImageLabelFile.looksLike(webp)).isTrue();
        assertThatThrownBy(() -> ImageLabelFile.read(webp)).hasMessageStartingWith(webp + ": line 1: .webp is no "
                + "image kind trt4j reads");
        Path space = Files.writeString(dir.resolve("space.txt"), "a.png 0\na.png\t180\n");
        assertThat(ImageLabelFile.looksLike(space)).isTrue();
        assertThatThrownBy(() -> ImageLabelFile.read(space)).hasMessageStartingWith(space + ": line 1 ('a.png 0') is "
                + "not an image path, a tab and a label");
        Path myCrops = Files.writeString(dir.resolve("folder.txt"), "my crops/a.png\tHello\nThe end.\nFin.\n");
        assertThat(ImageLabelFile.count(myCrops).labelled()).isEqualTo(1);
        // names with a space and no folder: label lines where the images are there, and Windows paths are named
        image("IMG 0001.png");
        image("IMG 0002.png");
        Path spaced = Files.writeString(dir.resolve("spaced-names.txt"), "IMG 0001.png\tHello\nIMG 0002.png\tworld\n");
        assertThat(ImageLabelFile.looksLike(spaced)).isTrue();
        assertThat(ImageLabelFile.read(spaced).images()).hasSize(2);
        Path windows = Files.writeString(dir.resolve("win-space.txt"), "C:\\My Pictures\\a.png\tHello\n");
        assertThatThrownBy(() -> ImageLabelFile.read(windows)).hasMessageContaining("is a Windows path");
        assertThat(ImageLabelFile.looksLike(windows)).isTrue();
    }

    /** An image of a kind trt4j does not read, and a Windows path, are named with their line and what to do. */
    @Test
    void anUnreadImageKindAndBackslashesAreNamedByLine() throws IOException {
        image("a.png");
        Path webp = Files.writeString(dir.resolve("w.txt"), "a.png\tHello\nb.webp\tworld\n");
        assertThat(ImageLabelFile.looksLike(webp)).isTrue();
        assertThatThrownBy(() -> ImageLabelFile.read(webp)).hasMessage(webp + ": line 2: .webp is no image kind "
                + "trt4j reads (bmp, gif, jpeg, jpg, png, tif, tiff); convert the image, or leave the line out");
        Path windows = Files.writeString(dir.resolve("win.txt"), "crops\\a.png\tHello\n");
        assertThatThrownBy(() -> ImageLabelFile.read(windows)).hasMessage(windows + ": line 1: no image "
                + dir.resolve("crops\\a.png") + " (paths are read relative to the label file's folder, with / "
                + "between folders)");
        Path drive = Files.writeString(dir.resolve("drive.txt"), "C:\\data\\a.png\tHello\n");
        assertThatThrownBy(() -> ImageLabelFile.read(drive)).hasMessage(drive + ": line 1: C:\\data\\a.png is a "
                + "Windows path; write it relative to the label file's folder, with / between folders");
        // a space before the tab is no part of the path
        Path spaced = Files.writeString(dir.resolve("spaced.txt"), "a.png \tHello\n");
        assertThat(ImageLabelFile.read(spaced).images()).containsExactly(dir.resolve("a.png"));
        // as PaddleOCR reads them, a label ends at the next tab: a score column after it is no part of the text
        Path scored = Files.writeString(dir.resolve("scored.txt"), "a.png\tHello world\t0.98\na.png\tBye\n");
        assertThat(ImageLabelFile.read(scored).labels()).containsExactly("Hello world", "Bye");
        // a spreadsheet's export ends each line in a tab: nothing after the label, so nothing is said to be left out
        Path exported = Files.writeString(dir.resolve("exported.txt"), "a.png\t180\t\na.png\t0\t \t\n");
        assertThat(ImageLabelFile.read(exported).labels()).containsExactly("180", "0");
        assertThat(ImageLabelFile.leavesColumnsOut("180\t")).isFalse();
        assertThat(ImageLabelFile.leavesColumnsOut("0\t \t")).isFalse();
        assertThat(ImageLabelFile.leavesColumnsOut("180")).isFalse();
        assertThat(ImageLabelFile.leavesColumnsOut("Hello world\t0.98")).isTrue();
        assertThat(ImageLabelFile.leavesColumnsOut("Hello\t\tsource")).isTrue();
        Path noLabel = Files.writeString(dir.resolve("no-label.txt"), "a.png\t\t0.98\n");
        assertThatThrownBy(() -> ImageLabelFile.read(noLabel)).hasMessage(noLabel + ": line 1 has no label after "
                + "its tab");
    }

    /** Evaluation images a label file lists that calibration read are left out, whatever path names them. */
    @Test
    void calibrationImagesListedForEvaluationAreLeftOut() throws IOException {
        StringBuilder calibration = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            image("crops/c" + i + ".png");
            calibration.append("crops/c").append(i).append(".png\tline ").append(i).append('\n');
        }
        image("crops/e0.png");
        Path cal = Files.writeString(dir.resolve("cal.txt"), calibration);
        Files.createDirectories(dir.resolve("eval"));
        Path eval = Files.writeString(dir.resolve("eval/eval.txt"),
                "../crops/c1.png\tline 1\n" + dir.resolve("crops/c3.png") + "\tline 3\n../crops/e0.png\tnew\n");
        DataOptions options = DataOptions.builder().batchSize(1).build();

        // a link to the folder names the same images
        Files.createSymbolicLink(dir.resolve("crops_link"), dir.resolve("crops"));
        Path linked = Files.writeString(dir.resolve("eval/linked.txt"), "../crops_link/c1.png\tline 1\n"
                + "../crops_link/e0.png\tnew\n");
        assertThat(SampleSplit.of(cal, List.of(LINE), options, false).heldOutImages(linked, 4, options).orElseThrow()
                .repeated()).isEqualTo(1);
        for (Path data : List.of(cal, dir.resolve("crops"))) {
            SampleSplit split = SampleSplit.of(data, List.of(LINE), options, false);
            SampleSplit.HeldOut held = split.heldOutImages(eval, 4, options).orElseThrow();
            assertThat(held.repeated()).as(data.toString()).isEqualTo(2);
            try (KnownLines lines = (KnownLines) held.samples().get()) {
                assertThat(lines.texts()).containsExactly("new");
            }
        }
        // a folder of images as --eval-data: those calibration read are left out too; one sharing none is read as ever
        SampleSplit.HeldOut folder = SampleSplit.of(cal, List.of(LINE), options, false)
                .heldOutImages(dir.resolve("crops"), 4, options).orElseThrow();
        assertThat(folder.repeated()).isEqualTo(4);
        try (CalibrationDataSource images = folder.samples().get()) {
            assertThat(images.sampleCount()).contains(1L);
        }
        image("other/o0.png");
        assertThat(SampleSplit.of(cal, List.of(LINE), options, false).heldOutImages(dir.resolve("other"), 4, options))
                .isEmpty();
        // a byte-identical copy of a calibration image is that image
        Files.copy(dir.resolve("crops/c2.png"), dir.resolve("other/copy of c2.png"));
        image("other/o1.png");
        SampleSplit.HeldOut copies = SampleSplit.of(cal, List.of(LINE), options, false)
                .heldOutImages(dir.resolve("other"), 4, options).orElseThrow();
        assertThat(copies.repeated()).isEqualTo(1);
        try (CalibrationDataSource images = copies.samples().get()) {
            assertThat(images.sampleCount()).contains(2L);
        }
        Path only = Files.writeString(dir.resolve("only.txt"), "crops/c0.png\tline 0\n");
        assertThatThrownBy(() -> SampleSplit.of(cal, List.of(LINE), options, false).heldOutImages(only, 4, options))
                .hasMessage(only + ": every image is one of the 4 calibration samples, which leaves none to evaluate "
                        + "on; give other samples");
    }

    /** A calibration image past the images read (the limit) is never scored: it is neither left out nor counted. */
    @Test
    void onlyCalibrationImagesAmongThoseReadAreLeftOut() throws IOException {
        Path c = image("lim/c.png");
        image("lim/e0.png");
        image("lim/e1.png");
        Path file = Files.writeString(dir.resolve("lim/eval.txt"), "e0.png\tzero\nc.png\tcal\ne1.png\tone\n");
        ImageLabelFile all = ImageLabelFile.read(file);
        ImageContentSet calibration = ImageContentSet.of(java.util.List.of(c));

        assertThat(all.without(calibration, 1).labels()).containsExactly("zero", "cal", "one");
        assertThat(all.without(calibration, 2).labels()).containsExactly("zero", "one");
        assertThat(all.without(calibration, 0).labels()).containsExactly("zero", "one");
    }

    /** A label file is not sentences: as --eval-data beside sentences, and for a text model, it is named as such. */
    @Test
    void aLabelFileIsNeverReadAsSentences() throws IOException {
        image("a.png");
        Path gt = Files.writeString(dir.resolve("gt.txt"), "a.png\t0\n");
        SampleSplit bundled = SampleSplit.of(null, List.of(LINE), DataOptions.defaults(), true);
        assertThat(bundled.heldOutText(gt, 8, DataOptions.defaults())).isEmpty();

        // a text model given a plain label file is told what it is; a tab-separated export naming a file is sentences
        TensorSpec ids = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, null);
        assertThatThrownBy(() -> DataSourceFactory.open(gt, List.of(ids), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessage(gt + ": a label file of images (PATH<TAB>LABEL lines), "
                        + "which feeds an image model such as an OCR recognizer; this model reads token ids: give a "
                        + ".txt of sentences");
        Path photoLine = Files.writeString(dir.resolve("photo.txt"), "photo.jpg\tnice\nThe weather is good.\n");
        assertThat(DataSourceFactory.sentencesOf(photoLine, List.of(ids))).contains(
                List.of("photo.jpg\tnice", "The weather is good."));
        Path tsv = Files.writeString(dir.resolve("tsv.txt"), "I uploaded photo.jpg\tnice\nThe weather is good.\n");
        assertThat(ImageLabelFile.looksLike(tsv)).isFalse();
        Path prices = Files.writeString(dir.resolve("prices.txt"), "Great value at 9.99\tpositive\nPrice was 19.95\t"
                + "negative\nSee logo.png\tneutral\nThe weather is good.\n");
        // "See logo.png" before a tab is a sentence: a path with spaces counts only where it names a folder
        assertThat(ImageLabelFile.count(prices)).isEqualTo(new ImageLabelFile.LineCounts(4, 0, 1, 0));
        assertThat(ImageLabelFile.looksLike(prices)).isFalse();
    }

    /** Held out as other files are: the samples after the calibration ones, each with its own label. */
    @Test
    void aSplitLabelFileKeepsEachImagesLabel() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            image("l" + i + ".png");
            text.append("l").append(i).append(".png\t").append(i % 2 == 0 ? "0" : "180").append('\n');
        }
        Path gt = Files.writeString(dir.resolve("cls_gt.txt"), text);
        DataOptions options = DataOptions.builder().batchSize(2).build();
        SampleSplit split = SampleSplit.of(gt, List.of(LINE), options, false);

        try (CalibrationDataSource first = split.calibration(4); CalibrationDataSource held = split.evaluation(4, 8)) {
            assertThat(((KnownLines) first).labels()).containsExactly(0, 180, 0, 180);
            assertThat(((KnownLines) held).texts()).containsExactly("0", "180");
            assertThat(held.describe()).contains("2 images, after the first 4");
        }

        Path words = Files.writeString(dir.resolve("words.txt"), "l0.png\thello\n");
        try (KnownLines lines = (KnownLines) DataSourceFactory.open(words, List.of(LINE), options)) {
            assertThat(lines.texts()).containsExactly("hello");
            assertThatThrownBy(lines::labels).isInstanceOf(Trt4jException.class)
                    .isNotInstanceOf(InvalidOptionException.class)
                    .hasMessage(words + ": line 1's label 'hello' is no text direction (0 or 180), which a direction "
                            + "classifier's accuracy needs");
        }
    }
}
