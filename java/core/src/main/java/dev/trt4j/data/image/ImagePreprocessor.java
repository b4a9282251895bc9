package dev.trt4j.data.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Applies an {@link ImagePreprocessing} whose size is fully known to images, writing one sample's floats into
 * a batch array. Stateless after construction and thread-safe.
 */
public final class ImagePreprocessor {
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
                lut[c][v] = (float) ((v * (double) p.scale() - mean[c]) / std[c]);
            }
        }
    }

    public ImagePreprocessing preprocessing() {
        return p;
    }

    /** Shape of one sample: {@code [3,H,W]} for NCHW, {@code [H,W,3]} for NHWC. */
    public long[] sampleShape() {
        return p.layout() == ImagePreprocessing.Layout.NCHW ? new long[] {3, p.height(), p.width()}
                : new long[] {p.height(), p.width(), 3};
    }

    /** Floats per sample. */
    public int sampleSize() {
        return 3 * p.height() * p.width();
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
     * The image's pixels as packed 0xRRGGBB. Grey images are read from the raster, because
     * {@link BufferedImage#getRGB} would pass them through a linear-to-sRGB conversion and change the values.
     */
    static int[] rgbPixels(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        if (raster.getNumBands() <= 2 && image.getColorModel().getNumColorComponents() == 1) {
            int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
            int[] grey = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < grey.length; i++) {
                int v = grey[i] >> shift;
                grey[i] = (v << 16) | (v << 8) | v;
            }
            return grey;
        }
        return image.getRGB(0, 0, w, h, null, 0, w);
    }

    private static int[] resize(int[] rgb, int w, int h, int newW, int newH) {
        if (w == newW && h == newH) {
            return rgb;
        }
        BufferedImage src = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        src.setRGB(0, 0, w, h, rgb, 0, w);
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
