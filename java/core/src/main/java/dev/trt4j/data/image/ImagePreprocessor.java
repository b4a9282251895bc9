package dev.trt4j.data.image;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.function.IntFunction;

/**
 * Applies an {@link ImagePreprocessing} whose size is fully known to images, writing one sample's floats into
 * a batch array. Stateless after construction and thread-safe.
 */
public final class ImagePreprocessor {
    private static final Logger LOG = LoggerFactory.getLogger(ImagePreprocessor.class);

    private final ImagePreprocessing p;
    private final float[][] lut = new float[3][256];

    /** @throws IllegalArgumentException if the preprocessing's height or width is still 0 */
    public ImagePreprocessor(ImagePreprocessing preprocessing) {
        if (preprocessing.height() < 1 || preprocessing.width() < 1) {
            throw new IllegalArgumentException("image preprocessing needs a concrete size, got "
                    + preprocessing.height() + "x" + preprocessing.width());
        }
        this.p = preprocessing;
        float[] mean = p.mean();
        float[] std = p.std();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (float) ((v * p.scale() - mean[c]) / std[c]);
            }
        }
    }

    /**
     * As {@link #forInput}, for image files read with {@code options}: their preprocessing, or
     * {@link ImagePreprocessing#imageNet()} where they name none (photos, the usual case for a folder of images).
     */
    public static ImagePreprocessor forImageFiles(DataOptions options, TensorSpec input, ShapeResolver shapes) {
        return forInput(options.imagePreprocessing() != null ? options.imagePreprocessing()
                : ImagePreprocessing.imageNet(), input, shapes);
    }

    /**
     * A preprocessor for {@code input}, with the size settled: the fixed shape's or model's height and width where
     * they are set, the preprocessing's own otherwise. The layout is the input's where its shape tells ({@code 3}
     * in dimension 1 and not in 3 is NCHW, the other way round NHWC, as TensorFlow exports have it), else the
     * preprocessing's.
     *
     * @throws Trt4jException if the input is not float32 of rank 4 with 3 channels in the layout
     */
    public static ImagePreprocessor forInput(ImagePreprocessing preprocessing, TensorSpec input, ShapeResolver shapes) {
        if (input.type() != ElementType.FLOAT32 || input.rank() != 4) {
            throw new Trt4jException(shapes.source() + ": image data needs a float32 input of rank 4 ("
                    + preprocessing.layout() + "), but model input '" + input.name() + "' is " + input.type() + " "
                    + input.shapeText());
        }
        ImagePreprocessing p = inInputLayout(preprocessing, input, shapes);
        boolean nchw = p.layout() == ImagePreprocessing.Layout.NCHW;
        int c = nchw ? 1 : 3;
        int h = nchw ? 2 : 1;
        int w = nchw ? 3 : 2;
        long[] fallback = new long[4];
        fallback[c] = 3;
        fallback[h] = p.height();
        fallback[w] = p.width();
        long[] shape = shapes.batchShape(input, fallback);
        if (shape[c] != 3) {
            throw new Trt4jException(shapes.source() + ": model input '" + input.name() + "' " + input.shapeText()
                    + " has " + shape[c] + " channels in " + p.layout() + " layout; image data has 3");
        }
        if (p.height() > 0 && p.height() != shape[h] || p.width() > 0 && p.width() != shape[w]) {
            LOG.info("{}: model input '{}' takes {}x{} images; using that instead of {}x{}", shapes.source(),
                    input.name(), shape[h], shape[w], p.height(), p.width());
        }
        return new ImagePreprocessor(p.withSize(Math.toIntExact(shape[h]), Math.toIntExact(shape[w])));
    }

    private static ImagePreprocessing inInputLayout(ImagePreprocessing p, TensorSpec input, ShapeResolver shapes) {
        long[] known = shapes.batchShape(input, new long[] {0, 1, 1, 1}); // open dimensions read as 1
        ImagePreprocessing.Layout layout = known[1] == 3 && known[3] != 3 ? ImagePreprocessing.Layout.NCHW
                : known[3] == 3 && known[1] != 3 ? ImagePreprocessing.Layout.NHWC : p.layout();
        if (layout != p.layout()) {
            LOG.info("{}: model input '{}' {} is {}; writing the images in that layout", shapes.source(),
                    input.name(), input.shapeText(), layout);
        }
        return p.withLayout(layout);
    }

    /** The preprocessing this applies. */
    public ImagePreprocessing preprocessing() {
        return p;
    }

    /** Shape of one sample: {@code [3,H,W]} for NCHW, {@code [H,W,3]} for NHWC. */
    public long[] sampleShape() {
        return p.layout() == ImagePreprocessing.Layout.NCHW ? new long[] {3, p.height(), p.width()}
                : new long[] {p.height(), p.width(), 3};
    }

    /** {@code [batch]} followed by {@link #sampleShape()}. */
    public long[] batchShape(int batch) {
        long[] sample = sampleShape();
        long[] shape = new long[sample.length + 1];
        shape[0] = batch;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        return shape;
    }

    /** Floats per sample. */
    public int sampleSize() {
        return 3 * p.height() * p.width();
    }

    /** A float32 batch of {@code count} preprocessed images, the i-th taken from {@code image.apply(i)}. */
    public HostTensor batch(int count, IntFunction<BufferedImage> image) {
        return batch(count, image, i -> "image " + i);
    }

    /**
     * As {@link #batch(int, IntFunction)}, naming the i-th image {@code names.apply(i)} (e.g. its file) when it is too
     * large to decode and resize in the Java memory available.
     *
     * @throws Trt4jException {@code "NAME: too large for the Java memory available (...)"}
     */
    public HostTensor batch(int count, IntFunction<BufferedImage> image, IntFunction<String> names) {
        int size = sampleSize();
        float[] data = new float[Math.multiplyExact(count, size)];
        for (int i = 0; i < count; i++) {
            try {
                write(image.apply(i), data, i * size);
            } catch (OutOfMemoryError e) {
                throw new Trt4jException(names.apply(i) + ": too large to decode and resize in the Java memory "
                        + "available (limit " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB); give Java "
                        + "more with TRT4J_JAVA_OPTS=-Xmx8g, or shrink the image");
            }
        }
        return HostTensor.ofFloats(batchShape(count), data);
    }

    /** Preprocesses {@code image} into {@code dst[offset .. offset + sampleSize())}. */
    public void write(BufferedImage image, float[] dst, int offset) {
        int h = p.height();
        int w = p.width();
        int srcW = image.getWidth();
        int srcH = image.getHeight();
        int rw;
        int rh;
        switch (p.resizeMode()) {
            case STRETCH -> {
                rw = w;
                rh = h;
            }
            case KEEP_ASPECT_PAD_RIGHT -> {
                rh = h;
                rw = (int) Math.max(1, Math.min(w, Math.ceil(h * (double) srcW / srcH)));
            }
            default -> {
                double s = Math.max(w / (double) srcW, h / (double) srcH);
                rw = Math.max(w, (int) Math.round(srcW * s));
                rh = Math.max(h, (int) Math.round(srcH * s));
            }
        }
        int[] rgb = resize(rgbPixels(image), srcW, srcH, rw, rh);
        int cropX = (rw - Math.min(rw, w)) / 2;
        int cropY = (rh - h) / 2;
        int visible = Math.min(rw, w);
        boolean bgr = p.channelOrder() == ImagePreprocessing.ChannelOrder.BGR;
        boolean nchw = p.layout() == ImagePreprocessing.Layout.NCHW;
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float c0;
                float c1;
                float c2;
                if (x < visible) {
                    int px = rgb[(y + cropY) * rw + x + cropX];
                    int r = (px >> 16) & 0xFF;
                    int g = (px >> 8) & 0xFF;
                    int b = px & 0xFF;
                    c0 = lut[0][bgr ? b : r];
                    c1 = lut[1][g];
                    c2 = lut[2][bgr ? r : b];
                } else {
                    c0 = p.padValue();
                    c1 = c0;
                    c2 = c0;
                }
                int i = y * w + x;
                if (nchw) {
                    dst[offset + i] = c0;
                    dst[offset + plane + i] = c1;
                    dst[offset + 2 * plane + i] = c2;
                } else {
                    dst[offset + 3 * i] = c0;
                    dst[offset + 3 * i + 1] = c1;
                    dst[offset + 3 * i + 2] = c2;
                }
            }
        }
    }

    /**
     * The image's pixels as packed 0xRRGGBB, as stored in the file, as PIL and OpenCV read them. Grey and RGB images
     * are read from the raster, because {@link BufferedImage#getRGB} converts from the image's colour space to sRGB:
     * a grey image through a linear-to-sRGB curve, an RGB JPEG or PNG with an embedded colour profile through that
     * profile (a linear-RGB profile turned a stored 128 into 188), both values the model never saw in training.
     */
    static int[] rgbPixels(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        if (raster.getNumBands() <= 2 && model.getNumColorComponents() == 1) {
            int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
            int[] grey = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < grey.length; i++) {
                int v = grey[i] >> shift;
                grey[i] = (v << 16) | (v << 8) | v;
            }
            return grey;
        }
        if (storesRgbSamples(model, raster)) {
            int shift = raster.getSampleModel().getSampleSize(0) - 8;
            int[] r = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            int[] g = raster.getSamples(0, 0, w, h, 1, (int[]) null);
            int[] b = raster.getSamples(0, 0, w, h, 2, (int[]) null);
            for (int i = 0; i < r.length; i++) {
                r[i] = ((r[i] >> shift) << 16) | ((g[i] >> shift) << 8) | (b[i] >> shift);
            }
            return r;
        }
        return image.getRGB(0, 0, w, h, null, 0, w);
    }

    /**
     * Whether the raster's first three bands are the stored red, green and blue of 8 or 16 bits each (alpha, if any,
     * not multiplied in): an RGB image with one sample per band, whatever colour profile it carries.
     */
    private static boolean storesRgbSamples(ColorModel model, Raster raster) {
        if (!(model instanceof ComponentColorModel) || model.getColorSpace().getType() != ColorSpace.TYPE_RGB
                || model.getNumColorComponents() != 3 || model.isAlphaPremultiplied() || raster.getNumBands() < 3) {
            return false;
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        for (int band = 1; band < 3; band++) {
            if (raster.getSampleModel().getSampleSize(band) != bits) {
                return false;
            }
        }
        return bits == 8 || bits == 16;
    }

    private static int[] resize(int[] rgb, int w, int h, int newW, int newH) {
        if (w == newW && h == newH) {
            return rgb;
        }
        // the pixels as they are, not a second full-size copy: a photo of 48 MP would need 190 MB more
        DirectColorModel rgbModel = new DirectColorModel(24, 0xff0000, 0xff00, 0xff);
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(rgb, rgb.length), w, h, w,
                rgbModel.getMasks(), null);
        BufferedImage src = new BufferedImage(rgbModel, raster, false, null);
        BufferedImage dst = new BufferedImage(newW, newH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(src, 0, 0, newW, newH, null);
        } finally {
            g.dispose();
        }
        return dst.getRGB(0, 0, newW, newH, null, 0, newW);
    }
}
