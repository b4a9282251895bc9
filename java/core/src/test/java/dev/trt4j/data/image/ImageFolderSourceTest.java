package dev.trt4j.data.image;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.Batches;
import dev.trt4j.data.DataOptions;
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
import static org.assertj.core.api.Assertions.offset;

class ImageFolderSourceTest {
    @TempDir
    Path dir;

    private static final TensorSpec CLS = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, 192}, null);

    private static BufferedImage flat(int w, int h, int type, int grey) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                if (type == BufferedImage.TYPE_BYTE_GRAY) {
                    img.getRaster().setSample(x, y, 0, grey);
                } else {
                    img.setRGB(x, y, (grey << 16) | (grey << 8) | grey);
                }
            }
        }
        return img;
    }

    private void writeImages(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            // name order differs from write order; value encodes the sorted position
            BufferedImage img = flat(96, 24, BufferedImage.TYPE_INT_RGB, 10 * i);
            ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
        }
    }

    @Test
    void batchesImagesInNameOrderWithPpOcrPreprocessing() throws IOException {
        writeImages(5);
        Files.writeString(dir.resolve("labels.txt"), "not an image");
        DataOptions o = DataOptions.builder().batchSize(2).imagePreprocessing(ImagePreprocessing.ppOcrClassifier())
                .build();
        ImageFolderSource s = new ImageFolderSource(dir, List.of(CLS), o);
        assertThat(s.sampleCount()).contains(5L);
        assertThat(s.describe()).isEqualTo("images:" + dir + " (5 files, 48x192 pad BGR NCHW, mean 0.5,0.5,0.5, "
                + "std 0.5,0.5,0.5)");
        List<Batch> batches = Batches.drain(s);
        assertThat(batches).extracting(Batch::size).containsExactly(2, 2, 1);
        float[] third = batches.get(1).inputs().get("x").floats();
        assertThat(batches.get(1).inputs().get("x").shape()).containsExactly(2, 3, 48, 192);
        // a 96x24 image is exactly 192 wide at height 48: no padding, value of image 2 everywhere
        assertThat(third[0]).isCloseTo(20 / 127.5f - 1, offset(1e-6f));
        assertThat(third[3 * 48 * 192 - 1]).isCloseTo(20 / 127.5f - 1, offset(1e-6f));
        assertThat(batches.get(2).inputs().get("x").floats()[100]).isCloseTo(40 / 127.5f - 1, offset(1e-6f));
    }

    @Test
    void maxSamplesAndModelSizeWinOverPresetSize() throws IOException {
        writeImages(3);
        TensorSpec small = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 24, 48}, null);
        ImageFolderSource s = new ImageFolderSource(dir, List.of(small), DataOptions.builder().maxSamples(2)
                .imagePreprocessing(ImagePreprocessing.ppOcrClassifier()).build());
        assertThat(s.preprocessing().height()).isEqualTo(24);
        assertThat(s.preprocessing().width()).isEqualTo(48);
        List<Batch> batches = Batches.drain(s);
        assertThat(batches).extracting(Batch::size).containsExactly(2);
        assertThat(batches.get(0).inputs().get("x").shape()).containsExactly(2, 3, 24, 48);
    }

    @Test
    void readsGreyPngsAndJpegsWithTheirValues() throws IOException {
        ImageIO.write(flat(8, 8, BufferedImage.TYPE_BYTE_GRAY, 100), "png", dir.resolve("a.png").toFile());
        ImageIO.write(flat(8, 8, BufferedImage.TYPE_INT_RGB, 180), "jpg", dir.resolve("b.JPG").toFile());
        ImagePreprocessing identity = new ImagePreprocessing(8, 8, ImagePreprocessing.ResizeMode.STRETCH, 0, 1,
                new float[3], new float[] {1, 1, 1}, ImagePreprocessing.ChannelOrder.RGB,
                ImagePreprocessing.Layout.NHWC);
        TensorSpec nhwc = new TensorSpec("img", ElementType.FLOAT32, new long[] {-1, 8, 8, 3}, null);
        List<Batch> batches = Batches.drain(new ImageFolderSource(dir, List.of(nhwc),
                DataOptions.builder().imagePreprocessing(identity).build()));
        float[] v = batches.get(0).inputs().get("img").floats();
        assertThat(v[0]).isEqualTo(100f);
        assertThat(v[8 * 8 * 3 - 1]).isEqualTo(100f);
        assertThat(v[8 * 8 * 3 + 5]).isCloseTo(180f, offset(3f));
    }

    /** A TensorFlow-style {@code [N,H,W,3]} input gets the preset's values with the channels last. */
    @Test
    void anNhwcInputGetsThePresetInItsLayout() throws IOException {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xFF0000);
        ImageIO.write(image, "png", dir.resolve("a.png").toFile());
        TensorSpec nhwc = new TensorSpec("img", ElementType.FLOAT32, new long[] {-1, 8, 8, 3}, null);
        ImageFolderSource source = new ImageFolderSource(dir, List.of(nhwc), DataOptions.builder()
                .imagePreprocessing(ImagePreprocessing.imageNet()).build());

        assertThat(source.preprocessing().layout()).isEqualTo(ImagePreprocessing.Layout.NHWC);
        assertThat(source.describe()).as("the provenance tells the preprocessing apart")
                .endsWith("(1 file, 8x8 crop RGB NHWC, mean 0.485,0.456,0.406, std 0.229,0.224,0.225)");
        Batch b = Batches.drain(source).get(0);
        assertThat(b.inputs().get("img").shape()).containsExactly(1, 8, 8, 3);
        float[] v = b.inputs().get("img").floats();
        // pixel (0, 0) is pure red: R, G, B side by side, normalised with ImageNet's statistics
        assertThat(v[0]).isCloseTo((1 - 0.485f) / 0.229f, offset(1e-5f));
        assertThat(v[1]).isCloseTo(-0.456f / 0.224f, offset(1e-5f));
        assertThat(v[2]).isCloseTo(-0.406f / 0.225f, offset(1e-5f));
    }

    @Test
    void errorsNameTheFileOrInput() throws IOException {
        Files.writeString(dir.resolve("broken.png"), "not really a png");
        assertThatThrownBy(() -> Batches.drain(new ImageFolderSource(dir, List.of(CLS), DataOptions.defaults())))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(dir.resolve("broken.png") + ": not a readable image (JPEG, PNG, BMP, GIF or TIFF)");

        TensorSpec ids = new TensorSpec("ids", ElementType.INT64, new long[] {-1, 16}, null);
        assertThatThrownBy(() -> new ImageFolderSource(dir, List.of(ids), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(dir + ": image data needs a float32 input of rank 4 (NCHW), but model input 'ids' is "
                        + "INT64 [?,16]");

        TensorSpec grey = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 1, 28, 28}, null);
        assertThatThrownBy(() -> new ImageFolderSource(dir, List.of(grey), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(dir + ": model input 'x' [?,1,28,28] has 1 channels in NCHW layout; image data has 3");

        TensorSpec rec = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, -1}, null);
        assertThatThrownBy(() -> new ImageFolderSource(dir, List.of(rec), DataOptions.builder()
                .imagePreprocessing(ImagePreprocessing.ppOcrRecognizer(0)).build()))
                .isInstanceOf(Trt4jException.class)
                .hasMessageContaining("model input 'x' [?,3,48,?] has dynamic dimension 3");

        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> new ImageFolderSource(empty, List.of(CLS), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(empty + ": no .bmp/.gif/.jpeg/.jpg/.png/.tif/.tiff files in this folder");
    }

    /** ImageIO fills in what a JPEG cut short lacks and only warns; that image must not be calibrated on. */
    /**
     * A JPEG carrying a colour profile (here linear RGB) is read as stored, as PIL and OpenCV read it: converting
     * through the profile fed a stored 128 as 188.
     */
    @Test
    void aJpegWithAColourProfileKeepsItsStoredValues() throws IOException {
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        ImageIO.write(flat(8, 8, BufferedImage.TYPE_INT_RGB, 128), "jpeg", plain);
        byte[] jpeg = plain.toByteArray();
        byte[] profile = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
        java.io.ByteArrayOutputStream withProfile = new java.io.ByteArrayOutputStream();
        int afterApp0 = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
        withProfile.write(jpeg, 0, afterApp0);
        byte[] marker = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int length = 2 + marker.length + 2 + profile.length;
        withProfile.write(new byte[] {(byte) 0xff, (byte) 0xe2, (byte) (length >> 8), (byte) length});
        withProfile.write(marker);
        withProfile.write(new byte[] {1, 1});
        withProfile.write(profile);
        withProfile.write(jpeg, afterApp0, jpeg.length - afterApp0);
        Path file = Files.write(dir.resolve("profiled.jpg"), withProfile.toByteArray());

        assertThat(ImageIO.read(file.toFile()).getRaster().getSample(3, 3, 0)).as("the JDK converts it").isGreaterThan(180);
        BufferedImage image = ImageFolderSource.decode(file);
        int plainValue = ImageIO.read(new java.io.ByteArrayInputStream(jpeg)).getRaster().getSample(3, 3, 0);
        assertThat(plainValue).isBetween(126, 130); // JPEG's own rounding only
        assertThat(ImagePreprocessor.rgbPixels(image)[3 * 8 + 3]).isEqualTo(plainValue * 0x010101);
    }

    /** A CMYK JPEG (Photoshop writes them with an Adobe marker) would be converted otherwise than PIL converts it. */
    @Test
    void aCmykJpegIsRefusedInOneLine() throws IOException {
        java.awt.image.WritableRaster cmyk = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, 8, 8, 4, null);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                cmyk.setPixel(x, y, new int[] {255, 255, 255, 128});
            }
        }
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new javax.imageio.IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        byte[] jpeg = bytes.toByteArray();
        byte[] adobe = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] marked = new byte[jpeg.length + adobe.length];
        System.arraycopy(jpeg, 0, marked, 0, 2);
        System.arraycopy(adobe, 0, marked, 2, adobe.length);
        System.arraycopy(jpeg, 2, marked, 2 + adobe.length, jpeg.length - 2);
        Path file = Files.write(dir.resolve("print.jpg"), marked);

        assertThatThrownBy(() -> ImageFolderSource.decode(file)).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": a CMYK image; trt4j reads RGB and grey images, as a training pipeline does: "
                        + "convert it to RGB first");
    }

    @Test
    void aJpegCutShortIsRefusedNotFilledIn() throws IOException {
        BufferedImage noise = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(1);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        Path whole = dir.resolve("whole.jpg");
        ImageIO.write(noise, "jpg", whole.toFile());
        byte[] bytes = Files.readAllBytes(whole);
        assertThat(ImageFolderSource.decode(whole).getWidth()).isEqualTo(64);

        Path cut = dir.resolve("cut.jpg");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length * 3 / 4));
        assertThatThrownBy(() -> ImageFolderSource.decode(cut)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(cut + ": damaged image: ");
    }

    /** A header claiming 40000 × 40000 pixels makes ImageIO's PNG reader throw an unchecked exception. */
    @Test
    void anImpossibleHeaderIsNamedWithItsFile() throws IOException {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", png);
        byte[] b = png.toByteArray();
        java.nio.ByteBuffer.wrap(b, 16, 8).putInt(40_000).putInt(40_000); // IHDR width and height
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 12, 17);
        java.nio.ByteBuffer.wrap(b, 29, 4).putInt((int) crc.getValue());
        Path file = Files.write(dir.resolve("huge.png"), b);

        assertThatThrownBy(() -> ImageFolderSource.decode(file)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(file + ": ");
    }
}
