package dev.trt4j.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Outputs that ONNX Runtime writes straight into direct buffers owned here (pinned outputs), so a caller can read
 * them in place instead of copying every output to the heap. The first run at new input shapes (or for a new
 * set of outputs) either takes guessed shapes ({@link #runWithShapes}), which ONNX Runtime checks, or learns them
 * by copying once; later runs at those shapes write in place. If ONNX
 * Runtime refuses a pinned run that then succeeds copying (an output whose shape depends on the data), every later
 * run copies. An output that is also an input (a graph input returned as it is) is never pinned: ONNX Runtime hands
 * back the input's own value for it and leaves a buffer given for it unwritten, so a pinned run would return the
 * values of the run that learnt the shapes; runs that ask for one copy. Not thread-safe.
 */
public final class PinnedOutputs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PinnedOutputs.class);

    private final OrtEnvironment env;
    private final String model;
    private final Function<String, ElementType> types;
    private final OutputLimit limit;
    private final Map<String, DirectTensor> buffers = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
    private final Map<String, long[]> pinnedInputShapes = new LinkedHashMap<>();
    private boolean pinningWorks = true;
    private int pinnedRuns;

    /** Judges an output's shape before a buffer is made for it, throwing to refuse it. */
    @FunctionalInterface
    public interface OutputLimit {
        /** Throws if {@code output} at {@code shape} of {@code type} is not to be pinned. */
        void check(String output, long[] shape, ElementType type);
    }

    /**
     * Pins outputs up to DirectTensor's own limit, which refuses a larger one as a request's error
     * ({@link dev.trt4j.InvalidInputException}), as a service wants.
     *
     * @param model name used in messages
     * @param types the element type of each output ONNX Runtime will write (FLOAT32 to read it as floats)
     */
    public PinnedOutputs(OrtEnvironment env, String model, Function<String, ElementType> types) {
        this(env, model, types, (output, shape, type) -> { });
    }

    /**
     * @param model name used in messages
     * @param types the element type of each output ONNX Runtime will write (FLOAT32 to read it as floats)
     * @param limit judges each output's real shape first: a command refuses it as a usage error
     *              ({@link OrtTensorLimit#requireOutputFits}) where a service leaves it to DirectTensor
     */
    public PinnedOutputs(OrtEnvironment env, String model, Function<String, ElementType> types, OutputLimit limit) {
        this.env = env;
        this.model = model;
        this.types = types;
        this.limit = limit;
    }

    /**
     * Runs {@code session} on {@code feed}, leaving each output of {@code wanted} in its buffer.
     *
     * @throws OrtException if the run fails
     */
    public void run(OrtSession session, Map<String, OnnxTensor> feed, Set<String> wanted) throws OrtException {
        OrtException refused = null;
        if (pinningWorks && pinned.keySet().equals(wanted) && sameShapes(feed) && !passesInputThrough(feed, wanted)) {
            try {
                session.run(feed, pinned).close();
                pinnedRuns++;
                return;
            } catch (OrtException e) {
                refused = e;
            }
        }
        try (OrtSession.Result result = session.run(feed, wanted)) {
            if (refused != null) {
                // The same run succeeds when it copies, so the pinned buffers were the problem (an output whose shape
                // depends on the data). A request that fails both ways (a bad index, say) leaves pinning on.
                pinningWorks = false;
                LOG.debug("{}: pinned outputs refused ({}); copying outputs from now on", model, refused.getMessage());
            }
            pinned.clear();
            pinnedInputShapes.clear();
            for (String name : wanted) {
                OnnxValue value = result.get(name).orElseThrow(() -> new Trt4jException(
                        model + ": ONNX Runtime returned no value for output '" + name + "'"));
                OnnxTensor tensor = (OnnxTensor) value;
                DirectTensor buffer = buffer(name);
                limit.check(name, tensor.getInfo().getShape(), types.apply(name));
                pinned.put(name, buffer.reshape(tensor.getInfo().getShape()));
                buffer.copyFrom(tensor);
            }
        }
        for (Map.Entry<String, OnnxTensor> e : feed.entrySet()) {
            pinnedInputShapes.put(e.getKey(), e.getValue().getInfo().getShape());
        }
    }

    /**
     * Whether a run of {@code wanted} on {@code feed} would first have to learn the output shapes by copying (nothing
     * is pinned for these outputs at these input shapes, and pinning has not been refused).
     */
    public boolean needsShapes(Map<String, OnnxTensor> feed, Set<String> wanted) {
        return pinningWorks && !passesInputThrough(feed, wanted)
                && !(pinned.keySet().equals(wanted) && sameShapes(feed));
    }

    /**
     * Runs with each output of {@code wanted} pinned at a guessed shape, skipping the copying run that
     * {@link #run} needs to learn them. ONNX Runtime checks every pinned shape against the one it computes.
     * {@code options} are the run's options (e.g. a log level that keeps a refused guess out of the error log).
     *
     * @return true if the run took the guesses (the outputs are in their buffers, and later runs at these input
     *         shapes write in place); false if ONNX Runtime refused them, or an output is also an input, leaving
     *         nothing pinned
     * @throws OrtException if ONNX Runtime cannot make an output buffer (a failed run returns false)
     */
    public boolean runWithShapes(OrtSession session, Map<String, OnnxTensor> feed, Set<String> wanted,
                                 Map<String, long[]> shapes, OrtSession.RunOptions options) throws OrtException {
        pinned.clear();
        pinnedInputShapes.clear();
        if (passesInputThrough(feed, wanted)) {
            return false;
        }
        for (String name : wanted) {
            if (OrtTensorLimit.exceeded(name, shapes.get(name), types.apply(name)).isPresent()) {
                // only a guess: the copying run refuses the output at its real shape, if that is too large too
                pinned.clear();
                return false;
            }
            pinned.put(name, buffer(name).reshape(shapes.get(name)));
        }
        try {
            session.run(feed, Set.of(), pinned, options).close();
        } catch (OrtException e) {
            // a wrong guess, or an error that the copying run will report again
            pinned.clear();
            LOG.debug("{}: guessed output shapes refused ({})", model, e.getMessage());
            return false;
        }
        for (Map.Entry<String, OnnxTensor> e : feed.entrySet()) {
            pinnedInputShapes.put(e.getKey(), e.getValue().getInfo().getShape());
        }
        pinnedRuns++;
        return true;
    }

    private DirectTensor buffer(String name) {
        return buffers.computeIfAbsent(name, n -> new DirectTensor(env, model, n, types.apply(n)));
    }

    /** The buffer holding output {@code name} of the last run (valid until the next run), or null if none did. */
    public DirectTensor output(String name) {
        return buffers.get(name);
    }

    /** Runs so far whose outputs ONNX Runtime wrote straight into the buffers. */
    public int pinnedRuns() {
        return pinnedRuns;
    }

    /** Whether an output of {@code wanted} is also an input, which ONNX Runtime never writes into a pinned buffer. */
    private static boolean passesInputThrough(Map<String, OnnxTensor> feed, Set<String> wanted) {
        for (String name : wanted) {
            if (feed.containsKey(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean sameShapes(Map<String, OnnxTensor> feed) {
        if (pinned.isEmpty() || !pinnedInputShapes.keySet().equals(feed.keySet())) {
            return false;
        }
        for (Map.Entry<String, OnnxTensor> e : feed.entrySet()) {
            if (!Arrays.equals(pinnedInputShapes.get(e.getKey()), e.getValue().getInfo().getShape())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        pinned.clear();
        buffers.values().forEach(DirectTensor::close);
        buffers.clear();
    }
}
