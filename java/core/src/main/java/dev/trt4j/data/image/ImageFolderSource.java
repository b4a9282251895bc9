package dev.trt4j.data.image;

import dev.trt4j.Counts;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.BatchingSource;
import dev.trt4j.data.DataFiles;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Batches of JPEG/PNG images from a folder (in file-name order) or a single image file, preprocessed for a
 * model with one float32 input of rank 4. Only the current batch's images are decoded at a time.
 */
public final class ImageFolderSource extends BatchingSource implements ImageFileSource {
    /** File extensions read from a folder. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff");

    private final Path path;
    private final List<Path> files;
    private final TensorSpec input;
    private final ImagePreprocessor preprocessor;

    /**
     * Reads with {@code options.imagePreprocessing()}, or {@link ImagePreprocessing#imageNet()} when that is null.
     *
     * @throws Trt4jException if the folder has no images, or the model's input is not a 3-channel float image
     *                        input of a size that can be settled
     */
    public ImageFolderSource(Path folderOrFile, List<TensorSpec> modelInputs, DataOptions options) {
        this(folderOrFile, DataFiles.list(folderOrFile, EXTENSIONS),
                new ShapeResolver(folderOrFile.toString(), modelInputs, options), options);
    }

    /**
     * The images {@code files} of {@code folderOrFile} only, in that order: a folder's images less some (those a
     * held-out evaluation must not score again).
     *
     * @throws Trt4jException as the public constructor, or if {@code files} is empty
     */
    public static ImageFolderSource ofFiles(Path folderOrFile, List<Path> files, List<TensorSpec> modelInputs,
                                            DataOptions options) {
        if (files.isEmpty()) {
            throw new Trt4jException(folderOrFile + ": no images");
        }
        return new ImageFolderSource(folderOrFile, List.copyOf(files), new ShapeResolver(folderOrFile.toString(),
                modelInputs, options), options);
    }

    private ImageFolderSource(Path path, List<Path> files, ShapeResolver shapes, DataOptions options) {
        super(shapes, files.size(), plan(shapes, files.size(), options), options);
        this.path = path;
        this.files = files;
        this.input = shapes.onlyInput("image");
        this.preprocessor = ImagePreprocessor.forImageFiles(options, input, shapes);
    }

    @Override
    public ImagePreprocessing preprocessing() {
        return preprocessor.preprocessing();
    }

    @Override
    protected Map<String, HostTensor> readBatch(long first, int count) {
        return Map.of(input.name(), preprocessor.batch(count, i -> decode(files.get((int) first + i)),
                i -> files.get((int) first + i).toString()));
    }

    /** Reads by index: the images passed over are never decoded. */
    @Override
    protected void skipOver(long first, int count) {
    }

    /**
     * Decodes one image file, with a one-line error naming it when it is not a readable image, or when the
     * decoder warns that it is damaged (a JPEG cut short decodes with the missing part filled in, and would otherwise
     * be calibrated on as it is). A JPEG's colour profile is left out, so its pixels are the stored ones
     * ({@link JpegColourProfile}).
     */
    public static BufferedImage decode(Path file) {
        byte[] bytes;
        try {
            bytes = JpegColourProfile.withoutProfile(Files.readAllBytes(file));
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new Trt4jException(file + ": not a readable image (JPEG, PNG, BMP, GIF or TIFF)");
            }
            ImageReader reader = readers.next();
            try {
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                reader.setInput(in, true, true);
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new Trt4jException(file + ": damaged image: " + warnings.get(0));
                }
                requireRgbOrGrey(file, image);
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new Trt4jException(file + ": cannot decode image: " + e.getMessage(), e);
        } catch (Trt4jException e) {
            throw e;
        } catch (RuntimeException e) {
            // ImageIO's decoders throw unchecked exceptions on some damaged headers (a bad scanline stride)
            throw new Trt4jException(file + ": damaged image: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a CMYK (or YCCK) image: the JDK converts it to RGB otherwise than PIL and OpenCV do (mid-tones came out
     * about 60 levels brighter), so the model would be calibrated on colours it never saw in training.
     */
    private static void requireRgbOrGrey(Path file, BufferedImage image) {
        int type = image.getColorModel().getColorSpace().getType();
        if (type != ColorSpace.TYPE_RGB && type != ColorSpace.TYPE_GRAY) {
            String kind = type == ColorSpace.TYPE_CMYK ? "CMYK" : type == ColorSpace.TYPE_YCbCr ? "YCbCr"
                    : "colour space type " + type;
            throw new Trt4jException(file + ": a " + kind + " image; trt4j reads RGB and grey images, as a training "
                    + "pipeline does: convert it to RGB first");
        }
    }

    @Override
    public String describe() {
        // the preprocessing is part of what the statistics were made from: a table made with other values is stale
        return "images:" + path + " (" + counted("file", "files", preprocessing().describe()) + ")";
    }
}
