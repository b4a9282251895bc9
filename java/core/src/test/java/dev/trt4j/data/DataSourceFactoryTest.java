package dev.trt4j.data;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.image.ImageFolderSource;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import dev.trt4j.data.npy.NpySource;
import dev.trt4j.data.npy.NpzFile;
import dev.trt4j.data.npy.NpzSource;
import dev.trt4j.data.text.RenderedTextLineSource;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataSourceFactoryTest {
    @TempDir
    Path dir;

    private static final TensorSpec CLS = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, 192}, null);
    private static final TensorSpec IDS = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, null);
    private static final DataOptions TWO = DataOptions.builder().batchSize(2).build();

    private Path tokenizer() throws IOException {
        Path p = dir.resolve("tokenizer.json");
        try (InputStream in = getClass().getResourceAsStream("text/tiny-wordlevel-tokenizer.json")) {
            Files.copy(in, p);
        }
        return p;
    }

    private CalibrationDataSource open(Path p, List<TensorSpec> inputs, DataOptions o) {
        CalibrationDataSource s = DataSourceFactory.open(p, inputs, o);
        s.close();
        return s;
    }

    /**
     * A description says how many samples the data holds and how many are used where a limit left some unread: a
     * file of 3200 rows read "npy:big.npy (256 samples), 256 samples", and its user took 256 for its size. The option
     * that set the limit is named with its 0 for all; none where no option did, as a fixed batch's drop.
     */
    @Test
    void aDescriptionSaysHowManySamplesTheDataHoldsWhereNotAllAreUsed() throws IOException {
        DataOptions three = TWO.toBuilder().maxSamples(3, "--samples").build();
        Path npy = dir.resolve("big.npy");
        NpyFile.write(npy, NpyArray.ofFloats(new long[] {5, 3, 48, 192}, new float[5 * 3 * 48 * 192]));
        assertThat(open(npy, List.of(CLS), three).describe())
                .isEqualTo("npy:" + npy + " (5 samples; the first 3 used, --samples 0 for all)");
        assertThat(open(npy, List.of(CLS), TWO.toBuilder().maxSamples(3).build()).describe())
                .isEqualTo("npy:" + npy + " (5 samples; the first 3 used)");
        assertThat(open(npy, List.of(CLS), TWO.toBuilder().maxSamples(5, "--samples").build()).describe())
                .isEqualTo("npy:" + npy + " (5 samples)");
        // a fixed batch of 2 leaves the fifth out, which its own warning says: no option would read it
        TensorSpec pairs = new TensorSpec("x", ElementType.FLOAT32, new long[] {2, 3, 48, 192}, null);
        assertThat(open(npy, List.of(pairs), TWO.toBuilder().maxSamples(0, "--samples").build()).describe())
                .isEqualTo("npy:" + npy + " (5 samples; the first 4 used)");

        Path npz = dir.resolve("big.npz");
        NpzFile.write(npz, Map.of("x", NpyArray.ofFloats(new long[] {5, 3, 48, 192}, new float[5 * 3 * 48 * 192])));
        assertThat(open(npz, List.of(CLS), three).describe())
                .isEqualTo("npz:" + npz + " (5 samples; the first 3 used, --samples 0 for all)");

        Path raw = Files.createDirectories(dir.resolve("raw"));
        for (int i = 0; i < 2; i++) {
            Files.write(raw.resolve(i + ".bin"), new byte[2 * 4 * 3 * 48 * 192]);
        }
        assertThat(open(raw, List.of(CLS), three).describe())
                .isEqualTo("raw:" + raw + " (2 files, 4 samples; the first 3 used, --samples 0 for all)");

        Path images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 4; i++) {
            ImageIO.write(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB), "png",
                    images.resolve(i + ".png").toFile());
        }
        assertThat(open(images, List.of(CLS), three).describe())
                .startsWith("images:" + images + " (4 files; the first 3 used, --samples 0 for all; 48x192 ");

        Path txt = Files.writeString(dir.resolve("lines.txt"), "the cat\nsat on\nthe mat\nand slept\n");
        assertThat(open(txt, List.of(CLS), three).describe())
                .startsWith("rendered-lines:" + txt + " (4 lines; the first 3 used, --samples 0 for all; 0 rotated, ");
        DataOptions tok = three.toBuilder().tokenizer(tokenizer()).sequenceLength(8).build();
        assertThat(open(txt, List.of(IDS), tok).describe())
                .startsWith("text:" + txt + " (4 sentences; the first 3 used, --samples 0 for all; 8 tokens");
        // the bundled sentences are trt4j's: those read are their count
        assertThat(open(tok.tokenizer(), List.of(IDS), three.toBuilder().sequenceLength(8).build()).describe())
                .doesNotContain("used");
    }

    @Test
    void picksTheSourceByFileKind() throws IOException {
        assertThat(open(null, List.of(CLS), TWO)).isInstanceOf(SyntheticSource.class);

        Path npy = dir.resolve("a.npy");
        NpyFile.write(npy, NpyArray.ofFloats(new long[] {2, 3, 48, 192}, new float[2 * 3 * 48 * 192]));
        assertThat(open(npy, List.of(CLS), TWO)).isInstanceOf(NpySource.class);

        Path npz = dir.resolve("a.npz");
        NpzFile.write(npz, Map.of("x", NpyArray.ofFloats(new long[] {1, 3, 48, 192}, new float[3 * 48 * 192])));
        assertThat(open(npz, List.of(CLS), TWO)).isInstanceOf(NpzSource.class);

        Path raw = dir.resolve("a.bin");
        Files.write(raw, new byte[4 * 3 * 48 * 192]);
        assertThat(open(raw, List.of(CLS), TWO)).isInstanceOf(RawFloatSource.class);

        Path png = dir.resolve("a.png");
        ImageIO.write(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        assertThat(open(png, List.of(CLS), TWO)).isInstanceOf(ImageFolderSource.class);

        Path txt = dir.resolve("a.txt");
        Files.writeString(txt, "the cat sat on the mat\n");
        assertThat(open(txt, List.of(CLS), TWO)).isInstanceOf(RenderedTextLineSource.class);
        Path tokenizer = tokenizer();
        DataOptions tok = TWO.toBuilder().tokenizer(tokenizer).sequenceLength(8).build();
        assertThat(open(txt, List.of(IDS), tok)).isInstanceOf(TextSource.class);

        CalibrationDataSource bundled = open(tokenizer, List.of(IDS), TWO.toBuilder().sequenceLength(8).build());
        assertThat(bundled).isInstanceOf(TextSource.class);
        assertThat(bundled.sampleCount()).contains(3000L);
    }

    @Test
    void picksTheSourceByFolderContent() throws IOException {
        Path images = Files.createDirectory(dir.resolve("images"));
        ImageIO.write(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB), "jpg", images.resolve("a.jpg").toFile());
        Files.writeString(images.resolve("README"), "ignored");
        assertThat(open(images, List.of(CLS), TWO)).isInstanceOf(ImageFolderSource.class);

        Path raws = Files.createDirectory(dir.resolve("raws"));
        Files.write(raws.resolve("0.raw"), new byte[4 * 3 * 48 * 192]);
        assertThat(open(raws, List.of(CLS), TWO)).isInstanceOf(RawFloatSource.class);

        Path texts = Files.createDirectory(dir.resolve("texts"));
        Files.writeString(texts.resolve("a.txt"), "one line\n");
        CalibrationDataSource lines = open(texts, List.of(CLS), TWO);
        assertThat(lines).isInstanceOf(RenderedTextLineSource.class);
        assertThat(lines.sampleCount()).contains(1L);
    }

    @Test
    void bundledSentencesAreRenderedForImageModels() {
        CalibrationDataSource s = DataSourceFactory.openBundledSentences(List.of(CLS), TWO.toBuilder().maxSamples(4)
                .build());
        assertThat(s).isInstanceOf(RenderedTextLineSource.class);
        assertThat(Batches.drain(s)).extracting(Batch::size).containsExactly(2, 2);
    }

    @Test
    void errorsNameThePathAndTheProblem() throws IOException {
        Path lines = dir.resolve("lines.npy");
        NpyFile.write(lines, NpyArray.ofFloats(new long[] {10, 3, 32, 32}, new float[10 * 3 * 32 * 32]));
        TensorSpec dynamic = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, 192},
                java.util.Arrays.asList(null, null, null, null));
        assertThatThrownBy(() -> DataSourceFactory.open(lines, List.of(dynamic), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(lines + ": array shape [10,3,32,32] does not fit model input 'x' [?,3,48,192]");

        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> DataSourceFactory.open(missing, List.of(CLS), TWO))
                .isInstanceOf(Trt4jException.class).hasMessage(missing + ": no such file or folder");
        Path device = Path.of("/dev/null"); // exists: "no such file" would send the user looking for a typo
        assertThatThrownBy(() -> DataSourceFactory.open(device, List.of(CLS), TWO)).isInstanceOf(Trt4jException.class)
                .hasMessage("/dev/null: not a file of samples (a device, pipe or socket); give a file or a folder");

        Path csv = dir.resolve("data.csv");
        Files.writeString(csv, "1,2");
        assertThatThrownBy(() -> DataSourceFactory.open(csv, List.of(CLS), TWO))
                .isInstanceOf(Trt4jException.class).hasMessageStartingWith(csv + ": unknown kind of data file");

        Path json = dir.resolve("hist.json");
        Files.writeString(json, "{}");
        assertThatThrownBy(() -> DataSourceFactory.open(json, List.of(CLS), TWO))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(json + ": a .json data file is a tokenizer.json for the bundled sentences, and the model "
                        + "has no input_ids input to tokenize them for; its inputs are [x]");

        Path mixed = Files.createDirectory(dir.resolve("mixed"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "bmp", mixed.resolve("a.bmp").toFile());
        Files.write(mixed.resolve("b.raw"), new byte[4]);
        assertThatThrownBy(() -> DataSourceFactory.open(mixed, List.of(CLS), TWO))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(mixed + ": mixes 1 image file and 1 raw file; keep one kind of data per folder");
        // a label file or README beside images is left out (with a warning), not taken for a second kind of data
        Files.delete(mixed.resolve("b.raw"));
        Files.writeString(mixed.resolve("rec_gt.txt"), "a.bmp\thello\n");
        try (CalibrationDataSource images = DataSourceFactory.open(mixed, List.of(CLS), TWO)) {
            assertThat(images.describe()).startsWith("images:" + mixed + " (1 file");
        }

        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> DataSourceFactory.open(empty, List.of(CLS), TWO))
                .isInstanceOf(Trt4jException.class).hasMessageStartingWith(empty + ": no data files")
                .message().doesNotContain(".npy").doesNotContain("subfolders");
        Files.createDirectory(empty.resolve("cats"));
        assertThatThrownBy(() -> DataSourceFactory.open(empty, List.of(CLS), TWO))
                .hasMessageEndingWith("; subfolders are not searched: give one of them, or put the files in one "
                        + "folder");
        Path arrays = Files.createDirectory(dir.resolve("arrays"));
        Files.write(arrays.resolve("a.npy"), new byte[4]);
        assertThatThrownBy(() -> DataSourceFactory.open(arrays, List.of(CLS), TWO))
                .hasMessageEndingWith("; .npy and .npz files are read one at a time: give one with --data (an .npy's "
                        + "first dimension counts the samples)");

        TensorSpec recDynamic = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, -1}, null);
        Path raw = dir.resolve("r.raw");
        Files.write(raw, new byte[4]);
        assertThatThrownBy(() -> DataSourceFactory.open(raw, List.of(recDynamic), TWO))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(raw + ": model input 'x' [?,3,48,?] has dynamic dimension 3, which the data does not fix; "
                        + "give a fixed shape (--shapes), e.g. x:2x3x48xN");
    }

    /**
     * A PP-OCR detector adds the maps of every level of its image to the next: at sides that are no multiples of 32,
     * ONNX Runtime failed deep in the graph ("13 by 14"). Data of every kind is refused when it opens, as rendered
     * pages are: a size an option set is a usage error, one that arrays hold is theirs.
     */
    @Test
    void aTextDetectorsDataOfAnyKindIsHeldToSidesOf32() throws IOException {
        TensorSpec det = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, -1, -1}, null);
        DataOptions detector = DataOptions.builder().batchSize(1).textDetector(true).build();
        DataOptions odd = detector.toBuilder().fixedShapes("x:1x3x200x250").build();
        String refusal = "model input 'x' is given 200x250 images, but a text detector takes sides that are multiples "
                + "of 32 (it halves them five times, and PaddleOCR rounds them so); nearest: 192x256";
        Path images = Files.createDirectory(dir.resolve("pages"));
        ImageIO.write(new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB), "png", images.resolve("a.png").toFile());
        assertThatThrownBy(() -> DataSourceFactory.open(images, List.of(det), odd))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessage(images + ": " + refusal + " (set the size with --shapes)");
        // the preset's 480x640, or a size of 32s, opens
        assertThat(open(images, List.of(det), detector)).isInstanceOf(ImageFolderSource.class);
        assertThat(open(images, List.of(det), detector.toBuilder().fixedShapes("x:1x3x192x256").build()))
                .isInstanceOf(ImageFolderSource.class);
        // another model may take any size: the same data opens for it
        assertThat(open(images, List.of(det), odd.toBuilder().textDetector(false).build()))
                .isInstanceOf(ImageFolderSource.class);

        Path raw = dir.resolve("page.raw");
        Files.write(raw, new byte[4 * 3 * 200 * 250]);
        assertThatThrownBy(() -> DataSourceFactory.open(raw, List.of(det), odd))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class).hasMessage(raw + ": " + refusal
                        + " (set the size with --shapes)");

        Path npy = dir.resolve("pages.npy");
        NpyFile.write(npy, NpyArray.ofFloats(new long[] {1, 3, 200, 250}, new float[3 * 200 * 250]));
        assertThatThrownBy(() -> DataSourceFactory.open(npy, List.of(det), detector))
                .isInstanceOf(Trt4jException.class).isNotInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessage(npy + ": " + refusal + " (resize the arrays)");
        Path npz = dir.resolve("pages.npz");
        NpzFile.write(npz, Map.of("x", NpyArray.ofFloats(new long[] {1, 3, 200, 250}, new float[3 * 200 * 250])));
        assertThatThrownBy(() -> DataSourceFactory.open(npz, List.of(det), detector))
                .hasMessage(npz + ": " + refusal + " (resize the arrays)");

        // a side the model fixes is its own to choose
        TensorSpec fixedWidth = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, -1, 250}, null);
        assertThat(open(images, List.of(fixedWidth), detector.toBuilder().fixedShapes("x:1x3x192x250").build()))
                .isInstanceOf(ImageFolderSource.class);
    }

    @Test
    void aHopIsRefusedForDataThatIsNotAudio() {
        DataOptions hop = DataOptions.builder().batchSize(2).audioHop(100).build();

        assertThatThrownBy(() -> DataSourceFactory.open(null, List.of(CLS), hop))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class).hasMessageStartingWith("--hop 100: a hop applies to .wav audio only, not to synthetic");
        assertThatThrownBy(() -> DataSourceFactory.openBundledSentences(List.of(CLS), hop))
                .hasMessage("--hop 100: a hop applies to .wav audio only, not to the bundled sentences");
    }
}
