package dev.trt4j.data.image;

import dev.trt4j.data.image.ImagePreprocessing.ChannelOrder;
import dev.trt4j.data.image.ImagePreprocessing.Layout;
import dev.trt4j.data.image.ImagePreprocessing.ResizeMode;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

class ImagePreprocessorTest {
    private static final float EPS = 1e-6f;

    /** 3 wide, 2 high; row 0: (255,0,51) (0,102,153) (204,255,0); row 1: (51,51,51) (102,0,255) (153,204,102). */
    static BufferedImage tiny() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        int[][] rgb = {{255, 0, 51}, {0, 102, 153}, {204, 255, 0}, {51, 51, 51}, {102, 0, 255}, {153, 204, 102}};
        for (int i = 0; i < 6; i++) {
            img.setRGB(i % 3, i / 3, (rgb[i][0] << 16) | (rgb[i][1] << 8) | rgb[i][2]);
        }
        return img;
    }

    /** PP-OCR normalisation of a 0-255 value. */
    private static float pp(int v) {
        return (v / 255f - 0.5f) / 0.5f;
    }

    /**
     * The ppocr-rec preset by name feeds a recognizer of open width 48×640, as the recognizer recognised by its
     * shape gets: its width 0 left the width to a --shapes the user had not given. A width the model fixes wins.
     */
    @Test
    void theRecognizerPresetByNameHasTheDefaultWidthAndYieldsToTheModels() {
        dev.trt4j.tensor.TensorSpec open = new dev.trt4j.tensor.TensorSpec("x", dev.trt4j.tensor.ElementType.FLOAT32,
                new long[] {-1, 3, 48, -1}, null);
        dev.trt4j.data.ShapeResolver shapes = new dev.trt4j.data.ShapeResolver("d", java.util.List.of(open),
                dev.trt4j.data.DataOptions.defaults());
        ImagePreprocessing rec = ImagePreprocessing.preset("ppocr-rec");
        assertThat(ImagePreprocessor.forInput(rec, open, shapes).preprocessing().width()).isEqualTo(640);
        dev.trt4j.tensor.TensorSpec fixed = new dev.trt4j.tensor.TensorSpec("x",
                dev.trt4j.tensor.ElementType.FLOAT32, new long[] {-1, 3, 48, 320}, null);
        dev.trt4j.data.ShapeResolver fixedShapes = new dev.trt4j.data.ShapeResolver("d", java.util.List.of(fixed),
                dev.trt4j.data.DataOptions.defaults());
        assertThat(ImagePreprocessor.forInput(rec, fixed, fixedShapes).preprocessing().width()).isEqualTo(320);
    }

    @Test
    void ppOcrGivesBgrNormalisedValuesAndZeroPaddingOnTheRight() {
        ImagePreprocessor p = new ImagePreprocessor(ImagePreprocessing.ppOcrClassifier().withSize(2, 5));
        assertThat(p.sampleShape()).containsExactly(3, 2, 5);
        float[] out = new float[1 + p.sampleSize()];
        out[0] = 42f;
        p.write(tiny(), out, 1);
        assertThat(out[0]).isEqualTo(42f);
        // plane 0 is blue, plane 1 green, plane 2 red; each plane is 2 rows of 5, the last 2 columns padding
        float[] blue = {pp(51), pp(153), pp(0), 0, 0, pp(51), pp(255), pp(102), 0, 0};
        float[] green = {pp(0), pp(102), pp(255), 0, 0, pp(51), pp(0), pp(204), 0, 0};
        float[] red = {pp(255), pp(0), pp(204), 0, 0, pp(51), pp(102), pp(153), 0, 0};
        for (int i = 0; i < 10; i++) {
            assertThat(out[1 + i]).as("blue %d", i).isCloseTo(blue[i], offset(EPS));
            assertThat(out[11 + i]).as("green %d", i).isCloseTo(green[i], offset(EPS));
            assertThat(out[21 + i]).as("red %d", i).isCloseTo(red[i], offset(EPS));
        }
        assertThat(out[1]).isCloseTo(-0.6f, offset(EPS));
        assertThat(out[21]).isCloseTo(1f, offset(EPS));
        assertThat(out[12]).isCloseTo(-0.2f, offset(EPS));
    }

    @Test
    void batchStacksEachSampleAtItsOffsetUnderTheBatchShape() {
        ImagePreprocessor p = new ImagePreprocessor(ImagePreprocessing.ppOcrClassifier().withSize(2, 5));
        BufferedImage white = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 6; i++) {
            white.setRGB(i % 3, i / 3, 0xFFFFFF);
        }
        HostTensor batch = p.batch(2, i -> i == 0 ? tiny() : white);
        assertThat(batch.shape()).containsExactly(2, 3, 2, 5);
        float[] first = new float[p.sampleSize()];
        float[] second = new float[p.sampleSize()];
        p.write(tiny(), first, 0);
        p.write(white, second, 0);
        float[] data = batch.floats();
        assertThat(Arrays.copyOfRange(data, 0, p.sampleSize())).containsExactly(first);
        assertThat(Arrays.copyOfRange(data, p.sampleSize(), data.length)).containsExactly(second);
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void rgbNhwcWithMeanStdPerChannelAndCustomPadValue() {
        ImagePreprocessing p = new ImagePreprocessing(2, 4, ResizeMode.KEEP_ASPECT_PAD_RIGHT, -9f, 1f,
                new float[] {10, 20, 30}, new float[] {1, 2, 5}, ChannelOrder.RGB, Layout.NHWC);
        ImagePreprocessor pre = new ImagePreprocessor(p);
        assertThat(pre.sampleShape()).containsExactly(2, 4, 3);
        float[] out = new float[pre.sampleSize()];
        pre.write(tiny(), out, 0);
        // pixel (x=1, y=0) = (0,102,153)
        assertThat(out[3]).isCloseTo(-10f, offset(EPS));
        assertThat(out[4]).isCloseTo(41f, offset(EPS));
        assertThat(out[5]).isCloseTo(24.6f, offset(1e-5f));
        // pixel (x=3, y=1) is padding
        assertThat(new float[] {out[21], out[22], out[23]}).containsExactly(-9f, -9f, -9f);
    }

    @Test
    void centreCropKeepsTheMiddleColumns() {
        BufferedImage wide = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 2; y++) {
                wide.setRGB(x, y, (x * 60) << 16);
            }
        }
        ImagePreprocessing p = new ImagePreprocessing(2, 2, ResizeMode.KEEP_ASPECT_CENTER_CROP, 0f, 1f,
                new float[3], new float[] {1, 1, 1}, ChannelOrder.RGB, Layout.NCHW);
        float[] out = new float[12];
        new ImagePreprocessor(p).write(wide, out, 0);
        assertThat(new float[] {out[0], out[1], out[2], out[3]}).containsExactly(60f, 120f, 60f, 120f);
    }

    @Test
    void resizingAUniformImageKeepsItsColourAndFillsTheTarget() {
        BufferedImage flat = new BufferedImage(40, 10, BufferedImage.TYPE_3BYTE_BGR);
        for (int x = 0; x < 40; x++) {
            for (int y = 0; y < 10; y++) {
                flat.setRGB(x, y, (200 << 16) | (100 << 8) | 50);
            }
        }
        ImagePreprocessing p = new ImagePreprocessing(6, 8, ResizeMode.STRETCH, 0f, 1f, new float[3],
                new float[] {1, 1, 1}, ChannelOrder.BGR, Layout.NCHW);
        float[] out = new float[3 * 48];
        new ImagePreprocessor(p).write(flat, out, 0);
        for (int i = 0; i < 48; i++) {
            assertThat(out[i]).isEqualTo(50f);
            assertThat(out[48 + i]).isEqualTo(100f);
            assertThat(out[96 + i]).isEqualTo(200f);
        }
    }

    @Test
    void ppOcrResizeKeepsAspectUpToTheTargetWidth() {
        // 10x5 image at height 48 would be 96 wide: columns 96.. are padding
        BufferedImage img = new BufferedImage(10, 5, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 10, 5);
        g.dispose();
        float[] out = new float[3 * 48 * 192];
        new ImagePreprocessor(ImagePreprocessing.ppOcrClassifier()).write(img, out, 0);
        assertThat(out[95]).isEqualTo(1f);
        assertThat(out[96]).isEqualTo(0f);
        assertThat(out[47 * 192 + 95]).isEqualTo(1f);
    }

    @Test
    void greyImagesKeepTheirValues() {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 0, 0, 7);
        assertThat(ImagePreprocessor.rgbPixels(grey)).containsExactly(0x646464, 0x070707);
    }

    @Test
    void rgbImagesInAnotherColourSpaceOr16BitsKeepTheirStoredValues() {
        java.awt.color.ColorSpace linear = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB);
        java.awt.image.ComponentColorModel model = new java.awt.image.ComponentColorModel(linear, false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_BYTE);
        BufferedImage image = new BufferedImage(model, model.createCompatibleWritableRaster(2, 1), false, null);
        image.getRaster().setPixel(0, 0, new int[] {128, 7, 250});
        image.getRaster().setPixel(1, 0, new int[] {0, 64, 255});
        assertThat(image.getRGB(0, 0) & 0xffffff).as("what the colour conversion would give").isNotEqualTo(0x8007fa);
        assertThat(ImagePreprocessor.rgbPixels(image)).containsExactly(0x8007fa, 0x0040ff);

        BufferedImage deep = new BufferedImage(new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_USHORT),
                java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_USHORT, 1, 1, 3, null),
                false, null);
        deep.getRaster().setPixel(0, 0, new int[] {0x80ff, 0x0100, 0xffff});
        assertThat(ImagePreprocessor.rgbPixels(deep)).containsExactly(0x8001ff);
    }

    @Test
    void needsAConcreteSize() {
        assertThatThrownBy(() -> new ImagePreprocessor(ImagePreprocessing.ppOcrRecognizer(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("48x0");
    }
}
