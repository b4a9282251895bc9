package dev.trt4j.data.audio;

import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.BatchingSource;
import dev.trt4j.data.DataFiles;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Batches of consecutive audio windows for a model that reads fixed-length chunks of a waveform, such as a voice
 * activity detector: a {@code .wav} file or a folder of them (in name order), mono (channels averaged), scaled to
 * [-1, 1). Each sample is the next window of the file; a window is as long as the model input's sample (e.g.
 * [N,512] or [N,1,512]), and the few frames at the end of each file that do not fill one are left out. With a hop
 * shorter than the window ({@link DataOptions#audioHop()}), windows overlap: each starts with the last
 * {@code window - hop} samples of the one before (zeros for a file's first), as Silero VAD's wrapper feeds 64
 * samples of context before each 512 new ones. Every file must have the same sample rate. Single float input only
 * (inputs fed back with {@code --feedback} excepted).
 */
public final class AudioWindowSource extends BatchingSource {
    /** File extensions read from a folder. */
    public static final Set<String> EXTENSIONS = Set.of("wav");

    private final Path path;
    private final TensorSpec input;
    private final long[] batchShape;
    private final int window;
    private final int hop;
    private final float[] context;
    private final List<Path> files;
    private final long[] windowsPerFile;
    private final float sampleRate;
    private int fileIndex = -1;
    private long leftInFile;
    private MonoPcmReader current;
    private final Set<Integer> streamStarts = new TreeSet<>();

    /**
     * @throws Trt4jException if the model has several or non-float inputs, the window length is not fixed, a file
     *                        is not readable audio, or the files' sample rates differ
     */
    public AudioWindowSource(Path fileOrFolder, List<TensorSpec> modelInputs, DataOptions options) {
        this(fileOrFolder, DataFiles.list(fileOrFolder, EXTENSIONS),
                new ShapeResolver(fileOrFolder.toString(), modelInputs, options), options);
    }

    private AudioWindowSource(Path path, List<Path> files, ShapeResolver shapes, DataOptions options) {
        this(path, files, shapes, options, survey(path, files, shapes, options));
    }

    private AudioWindowSource(Path path, List<Path> files, ShapeResolver shapes, DataOptions options, Survey s) {
        super(shapes, Arrays.stream(s.windowsPerFile).sum(), plan(shapes, Arrays.stream(s.windowsPerFile).sum(),
                options), options);
        this.path = path;
        this.files = files;
        this.input = s.input;
        this.batchShape = s.batchShape;
        this.window = s.window;
        this.hop = s.hop;
        this.context = new float[window - hop];
        this.windowsPerFile = s.windowsPerFile;
        this.sampleRate = s.sampleRate;
    }

    private record Survey(TensorSpec input, long[] batchShape, int window, int hop, long[] windowsPerFile,
                          float sampleRate) {
    }

    private static Survey survey(Path path, List<Path> files, ShapeResolver shapes, DataOptions options) {
        TensorSpec input = shapes.onlyInput("audio");
        if (input.type() != ElementType.FLOAT32) {
            throw new Trt4jException(path + ": audio does not fit model input '" + input.name() + "' " + input.type()
                    + " " + input.shapeText() + " (it needs a FLOAT32 input)");
        }
        if (input.rank() < 2) {
            throw new Trt4jException(path + ": audio windows do not fit model input '" + input.name() + "' "
                    + input.shapeText() + " (it needs a batch and a window dimension, e.g. [N,512])");
        }
        long[] batchShape = shapes.batchShape(input);
        int window = Math.toIntExact(HostTensor.elementCount(Arrays.copyOfRange(batchShape, 1, batchShape.length)));
        int hop = options.audioHop() == 0 ? window : options.audioHop();
        if (hop > window) {
            // an option that contradicts the model: a usage error, as --shapes of no input
            throw new InvalidOptionException(path + ": hop " + hop + " is longer than the window of " + window + " samples that "
                    + "model input '" + input.name() + "' " + input.shapeText() + " reads");
        }
        long[] counts = new long[files.size()];
        float rate = 0;
        Path first = null;
        for (int i = 0; i < files.size(); i++) {
            try (MonoPcmReader reader = new MonoPcmReader(files.get(i))) {
                if (first == null) {
                    first = files.get(i);
                    rate = reader.sampleRate();
                } else if (reader.sampleRate() != rate) {
                    throw new Trt4jException(files.get(i) + ": sample rate " + hz(reader.sampleRate()) + " differs "
                            + "from " + first.getFileName() + "'s " + hz(rate) + "; resample the files to one rate");
                }
                counts[i] = reader.countFrames() / hop;
            }
        }
        if (Arrays.stream(counts).sum() == 0) {
            throw new Trt4jException(path + ": the audio is shorter than one window of " + window + " samples that "
                    + "model input '" + input.name() + "' " + input.shapeText() + " reads"
                    + (hop == window ? "" : " (" + hop + " of them new)"));
        }
        return new Survey(input, batchShape, window, hop, counts, rate);
    }

    @Override
    protected Map<String, HostTensor> readBatch(long first, int count) {
        float[] values = new float[Math.multiplyExact(count, window)];
        streamStarts.clear();
        for (int s = 0; s < count; s++) {
            if (leftInFile == 0) {
                // Each file is its own recording: its first window starts a stream (zero context, zero state).
                streamStarts.add(s);
            }
            while (leftInFile == 0) {
                openNextFile();
            }
            int at = s * window;
            System.arraycopy(context, 0, values, at, context.length);
            current.read(values, at + context.length, hop);
            System.arraycopy(values, at + window - context.length, context, 0, context.length);
            leftInFile--;
        }
        return Map.of(input.name(), HostTensor.ofFloats(withBatch(batchShape, count), values));
    }

    private void openNextFile() {
        close();
        fileIndex++;
        if (fileIndex >= files.size()) {
            throw new Trt4jException(path + ": files shrank while being read");
        }
        current = new MonoPcmReader(files.get(fileIndex));
        Arrays.fill(context, 0f);
        leftInFile = windowsPerFile[fileIndex];
    }

    @Override
    protected Set<Integer> streamStartsOfLastBatch() {
        return Set.copyOf(streamStarts);
    }

    @Override
    public String describe() {
        String size = " of " + window + (hop == window ? "" : " every " + hop);
        return "audio:" + path + " (" + Counts.of(files.size(), "file") + " at " + hz(sampleRate) + ", "
                + counted("window" + size, "windows" + size) + ")";
    }

    private static String hz(float rate) {
        return (rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate)) + " Hz";
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
