package dev.trt4j.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.onnx.ExternalTensors;
import dev.trt4j.onnx.OnnxFileLimit;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.SharedDimensions;
import dev.trt4j.tensor.TensorSpec;
import dev.trt4j.tensor.TokenInputCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Runs an ONNX model on the CPU with ONNX Runtime: {@link HostTensor}s in, {@link HostTensor}s out.
 *
 * <p>Inputs are checked in Java before ONNX Runtime sees them (names, element types, ranks and fixed dimensions),
 * so mistakes come back as one-line {@link Trt4jException}s naming the input and both shapes. Every ONNX Runtime
 * value a call creates is closed before it returns.
 *
 * <p>The runner owns its session: close it when done (idempotent; use after close throws
 * {@link IllegalStateException}). {@code run} may be called from several threads at once; {@link #close()} waits
 * for the runs in progress, so that none reads a session already released.
 */
public final class OrtModelRunner implements AutoCloseable {
    /** Models larger than this reach ONNX Runtime through a temporary file rather than a byte array. */
    public static final long SPOOL_BYTES = 256L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(OrtModelRunner.class);

    /** Receives the outputs of one run, one at a time, in the order they were asked for. */
    @FunctionalInterface
    public interface OutputConsumer {
        /** Called once per requested output; {@code tensor} is a fresh copy the consumer may keep or drop. */
        void accept(String name, HostTensor tensor);
    }

    /** Receives the float outputs of one run read in place, one at a time, in the order they were asked for. */
    @FunctionalInterface
    public interface FloatOutputConsumer {
        /**
         * {@code values} is a read-only view of the output of {@code shape}, valid until the runner's next
         * {@link #runInPlace} or its close.
         */
        void accept(String name, long[] shape, FloatBuffer values);
    }

    /** Sets of output buffers {@link #runInPlace(Batch, Collection, int, FloatOutputConsumer)} can alternate. */
    public static final int BUFFER_SETS = 2;

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Map<String, TensorSpec> inputs;
    private final Map<String, TensorSpec> outputs;
    private final Set<String> unreadableOutputs;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Runs hold it shared, close exclusively: ONNX Runtime crashes the process on a session closed mid-run. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** Output buffer sets of {@link #runInPlace(Batch, Collection, int, FloatOutputConsumer)}, made on first use. */
    private final PinnedOutputs[] pinnedOutputs = new PinnedOutputs[BUFFER_SETS];
    private final TokenInputLimits tokenLimits;
    /** Runs that may fail by design (a probe, a guess): ONNX Runtime's own error log would alarm for nothing. */
    private OrtSession.RunOptions quietRunOptions;

    private OrtModelRunner(String name, OrtEnvironment env, OrtSession session, TokenInputLimits tokenLimits)
            throws OrtException {
        this.name = name;
        this.tokenLimits = tokenLimits;
        this.env = env;
        this.session = session;
        this.inputs = Collections.unmodifiableMap(specs(session.getInputInfo(), true, null));
        Set<String> unreadable = new LinkedHashSet<>();
        this.outputs = Collections.unmodifiableMap(specs(session.getOutputInfo(), false, unreadable));
        this.unreadableOutputs = Collections.unmodifiableSet(unreadable);
    }

    /**
     * Opens a model file.
     *
     * @throws Trt4jException if the file is missing or ONNX Runtime cannot load it
     */
    public static OrtModelRunner open(Path model, OrtRunnerOptions options) {
        OnnxModel.requireFile(model);
        return open(model.toString(), options, new TokenInputLimits(model),
                (opts, level) -> OrtRuntime.createSession(model, opts, level));
    }

    /**
     * Opens a model derived from the one in {@code source} (the same inputs, e.g. with extra outputs), from its
     * serialized bytes; errors name {@code source}, and a token sequence longer than {@code source}'s position table
     * is named as such rather than as ONNX Runtime's broadcast error.
     *
     * @throws Trt4jException if ONNX Runtime cannot load it
     */
    public static OrtModelRunner open(byte[] model, Path source, OrtRunnerOptions options) {
        return open(source.toString(), options, new TokenInputLimits(source),
                (opts, level) -> OrtRuntime.createSession(model, opts, level));
    }

    /**
     * As {@link #open(byte[], Path, OrtRunnerOptions)}, for a model not yet serialized. One over
     * {@value #SPOOL_BYTES} bytes reaches ONNX Runtime through a private temporary file, deleted once the session is
     * open: its bytes in memory would be one more copy of every weight, beside the model's own and ONNX Runtime's (a
     * 2 GB model's statistics pass took 12.5 GB).
     *
     * @throws Trt4jException if ONNX Runtime cannot load it, or the temporary file cannot be written
     */
    public static OrtModelRunner open(ModelProto model, Path source, OrtRunnerOptions options) {
        return open(model, source, options, SPOOL_BYTES);
    }

    static OrtModelRunner open(ModelProto model, Path source, OrtRunnerOptions options, long spoolBytes) {
        if (ExternalTensors.referencedBy(model)) {
            // weights left in their files past 2 GiB: the bytes are the graph and small tensors, read beside source
            Path folder = source.toAbsolutePath().getParent();
            byte[] bytes = model.toByteArray();
            return open(source.toString(), options, new TokenInputLimits(source), (opts, level) -> {
                OrtRuntime.readExternalDataFrom(opts, folder);
                return OrtRuntime.createSession(bytes, opts, level);
            });
        }
        return open(model, source.toString(), source, options, new TokenInputLimits(source), spoolBytes);
    }

    /**
     * As {@link #open(byte[], String, OrtRunnerOptions)}, for a model not yet serialized: a large one (past 2 GiB
     * too) reaches ONNX Runtime through a temporary file, as {@link #open(ModelProto, Path, OrtRunnerOptions)}.
     *
     * @param name used in error messages
     * @throws Trt4jException if ONNX Runtime cannot load it, or the temporary file cannot be written
     */
    public static OrtModelRunner open(ModelProto model, String name, OrtRunnerOptions options) {
        return open(model, name, Path.of(name), options, TokenInputLimits.NONE, SPOOL_BYTES);
    }

    private static OrtModelRunner open(ModelProto model, String name, Path source, OrtRunnerOptions options,
                                       TokenInputLimits limits, long spoolBytes) {
        // protobuf's own size is an int, which wraps past 2 GiB
        if (OnnxFileLimit.serializedSize(model) <= spoolBytes) {
            byte[] bytes = model.toByteArray();
            return open(name, options, limits, (opts, level) -> OrtRuntime.createSession(bytes, opts, level));
        }
        Path spooled = SpooledModel.write(model, source);
        try {
            return open(name, options, limits, (opts, level) -> OrtRuntime.createSession(spooled, opts, level));
        } finally {
            SpooledModel.delete(spooled);
        }
    }

    /**
     * Opens a model from its serialized bytes (external data, if any, must already be inlined).
     *
     * @param name used in error messages, e.g. the file the model came from
     * @throws Trt4jException if ONNX Runtime cannot load it
     */
    public static OrtModelRunner open(byte[] model, String name, OrtRunnerOptions options) {
        return open(name, options, TokenInputLimits.NONE, (opts, level) -> OrtRuntime.createSession(model, opts, level));
    }

    private interface SessionFactory {
        OrtSession create(OrtSession.SessionOptions options, OrtSession.SessionOptions.OptLevel level)
                throws OrtException;
    }

    private static OrtModelRunner open(String name, OrtRunnerOptions options, TokenInputLimits tokenLimits,
                                       SessionFactory factory) {
        OrtEnvironment env = OrtRuntime.environment();
        OrtSession session = null;
        try (OrtSession.SessionOptions opts = OrtRuntime.sessionOptions()) {
            if (options.intraOpThreads() > 0) {
                opts.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (!options.spinWait()) {
                // Spinning stays on during a run (parking the threads between operators made MiniLM's runs 1.8x
                // slower on a 16-core Xeon); it stops as soon as the run returns.
                opts.addConfigEntry("session.force_spinning_stop", "1");
            }
            session = factory.create(opts, options.optimization().ortLevel());
            return new OrtModelRunner(name, env, session, tokenLimits);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new Trt4jException(name + ": ONNX Runtime cannot load the model: " + OrtErrorText.of(e.getMessage()),
                    e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** The error of a failed run: a sequence too long for the position table if that is why, else ONNX Runtime's. */
    private Trt4jException failed(Batch batch, OrtException e) {
        return tokenLimits.explain(name, inputs.keySet(), batch.inputs())
                .<Trt4jException>map(why -> new InvalidInputException(why, e))
                .orElseGet(() -> OrtRunFailure.of(name, batch.inputs(), e));
    }

    /** The name used in error messages. */
    public String name() {
        return name;
    }

    /** The model's inputs, in model order, as ONNX Runtime reports them. */
    public List<TensorSpec> inputs() {
        return List.copyOf(inputs.values());
    }

    /** The model's tensor outputs that can be read as {@link HostTensor}s, in model order. */
    public List<TensorSpec> outputs() {
        return List.copyOf(outputs.values());
    }

    /**
     * The model's outputs that {@link #outputs()} leaves out: tensors of types trt4j does not read (only float32,
     * float16, int64 and int32 are), sequences and maps, in model order.
     */
    public Set<String> unreadableOutputs() {
        return unreadableOutputs;
    }

    /** Runs the model and returns every output of {@link #outputs()}. */
    public Map<String, HostTensor> run(Batch batch) {
        return run(batch, outputs.keySet());
    }

    /**
     * Runs the model on one batch and returns the named outputs, in the order asked for.
     *
     * @throws InvalidInputException on a batch that does not fit the inputs (the message names the input and both
     *                               shapes)
     * @throws Trt4jException        on an unknown or unreadable output name, or a failure inside ONNX Runtime
     */
    public Map<String, HostTensor> run(Batch batch, Collection<String> outputNames) {
        Map<String, HostTensor> result = new LinkedHashMap<>();
        run(batch, outputNames, result::put);
        return result;
    }

    /**
     * Runs the model on one batch and hands each named output to {@code consumer} as soon as it is converted, so
     * that only one output at a time is held on the Java heap.
     *
     * @throws Trt4jException as {@link #run(Batch, Collection)}
     */
    public void run(Batch batch, Collection<String> outputNames, OutputConsumer consumer) {
        lifecycle.readLock().lock();
        try {
            runOpen(batch, outputNames, consumer);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void runOpen(Batch batch, Collection<String> outputNames, OutputConsumer consumer) {
        checkOpen();
        Set<String> wanted = checkOutputs(outputNames);
        checkInputs(batch);
        checkDeclaredOutputs(batch, wanted);
        if (wanted.isEmpty()) {
            return; // ONNX Runtime refuses a run without outputs; the inputs were checked all the same
        }
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            putInputs(feed, batch);
            try (OrtSession.Result result = session.run(feed, wanted)) {
                for (String output : wanted) {
                    OnnxValue value = result.get(output).orElseThrow(() -> new Trt4jException(
                            name + ": ONNX Runtime returned no value for output '" + output + "'"));
                    if (!(value instanceof OnnxTensor tensor)) {
                        throw new Trt4jException(name + ": output '" + output + "' is not a tensor");
                    }
                    consumer.accept(output, HostTensorConverter.toHost(name, output, tensor));
                }
            }
        } catch (OrtException e) {
            throw failed(batch, e);
        } finally {
            OnnxValue.close(feed);
        }
    }

    /**
     * Runs the model and hands each named output to {@code consumer} without copying it to the heap: ONNX Runtime
     * writes FLOAT32 outputs into direct buffers this runner owns, which later runs at the same input shapes reuse.
     * This is for passes that read large outputs once, such as activation statistics. Outputs of other float types
     * arrive as float32 copies. Unlike {@link #run}, calls must not overlap: the buffers are shared. Uses buffer set
     * 0 of {@link #runInPlace(Batch, Collection, int, FloatOutputConsumer)}.
     *
     * @throws Trt4jException as {@link #run}, or if an output is not a float tensor
     */
    public void runInPlace(Batch batch, Collection<String> outputNames, FloatOutputConsumer consumer) {
        runInPlace(batch, outputNames, 0, consumer);
    }

    /**
     * As {@link #runInPlace(Batch, Collection, FloatOutputConsumer)}, writing into buffer set {@code bufferSet}: the
     * values handed over stay valid until the next run into the same set, so a caller can read one batch's outputs
     * on other threads while the next batch runs into the other set. Each set holds one batch of outputs.
     *
     * @param bufferSet 0 to {@link #BUFFER_SETS} - 1
     * @throws IllegalArgumentException if {@code bufferSet} is out of range
     * @throws Trt4jException as {@link #run}, or if an output is not a float tensor
     */
    public synchronized void runInPlace(Batch batch, Collection<String> outputNames, int bufferSet,
                                        FloatOutputConsumer consumer) {
        if (bufferSet < 0 || bufferSet >= BUFFER_SETS) {
            throw new IllegalArgumentException("buffer set must be 0 to " + (BUFFER_SETS - 1) + ", got " + bufferSet);
        }
        lifecycle.readLock().lock();
        try {
            runInPlaceOpen(batch, outputNames, bufferSet, consumer);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void runInPlaceOpen(Batch batch, Collection<String> outputNames, int bufferSet,
                                FloatOutputConsumer consumer) {
        checkOpen();
        Set<String> wanted = checkOutputs(outputNames);
        checkInputs(batch);
        checkDeclaredOutputs(batch, wanted);
        boolean allFloat32 = true;
        for (String output : wanted) {
            ElementType type = outputs.get(output).type();
            if (type != ElementType.FLOAT32 && type != ElementType.FLOAT16) {
                throw new Trt4jException(name + ": output '" + output + "' is " + type + ", not a float tensor");
            }
            allFloat32 &= type == ElementType.FLOAT32;
        }
        if (wanted.isEmpty()) {
            return;
        }
        if (!allFloat32) {
            runOpen(batch, wanted, (output, tensor) -> consumer.accept(output, tensor.shape(),
                    FloatBuffer.wrap(tensor.floats())));
            return;
        }
        if (pinnedOutputs[bufferSet] == null) {
            pinnedOutputs[bufferSet] = new PinnedOutputs(env, name, output -> ElementType.FLOAT32,
                    (output, shape, type) -> OrtTensorLimit.requireOutputFits(name, output, shape, type));
        }
        PinnedOutputs buffers = pinnedOutputs[bufferSet];
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            putInputs(feed, batch);
            boolean guessed = false;
            if (batch.size() > 1 && buffers.needsShapes(feed, wanted)) {
                Map<String, long[]> shapes = probeShapes(batch, wanted);
                guessed = shapes != null && buffers.runWithShapes(session, feed, wanted, shapes, quietRun());
            }
            if (!guessed) {
                buffers.run(session, feed, wanted);
            }
        } catch (OrtException e) {
            throw failed(batch, e);
        } finally {
            OnnxValue.close(feed);
        }
        for (String output : wanted) {
            DirectTensor pinned = buffers.output(output);
            consumer.accept(output, pinned.shape(), pinned.floats());
        }
    }

    /**
     * The output shapes guessed for {@code batch} from a run of its first two samples: a first dimension that the two
     * samples make even is taken to grow with the batch and scaled to it; an odd one (1 for a reduction over the
     * batch or a position table shared by every sample) is kept; other dimensions are kept. Otherwise the first
     * run at a new input shape learns the shapes by letting ONNX Runtime allocate every output and copying it,
     * which on the PP-OCR classifier's 53 exposed tensors cost 50 to 180 ms against 36 ms for a pinned run. A wrong
     * guess is refused by ONNX Runtime and the copying run follows, as it does when the probe itself fails (null:
     * a model that only takes whole batches, for instance). Neither failure reaches ONNX Runtime's error log.
     */
    private Map<String, long[]> probeShapes(Batch batch, Set<String> wanted) {
        Map<String, OnnxTensor> probe = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        int samples = Math.min(2, batch.size());
        try {
            putInputs(probe, batch.firstSamples(samples, List.copyOf(inputs.values()), name));
            try (OrtSession.Result result = session.run(probe, wanted, quietRun())) {
                for (String output : wanted) {
                    long[] shape = ((TensorInfo) result.get(output).orElseThrow().getInfo()).getShape();
                    if (shape.length > 0 && shape[0] % samples == 0) {
                        shape[0] = shape[0] / samples * batch.size();
                    }
                    shapes.put(output, shape);
                }
            }
        } catch (OrtException | RuntimeException e) {
            LOG.debug("{}: no output shapes from {} samples ({})", name, samples, e.getMessage());
            return null;
        } finally {
            OnnxValue.close(probe);
        }
        return shapes;
    }

    private OrtSession.RunOptions quietRun() throws OrtException {
        if (quietRunOptions == null) {
            OrtSession.RunOptions options = new OrtSession.RunOptions();
            options.setLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            quietRunOptions = options;
        }
        return quietRunOptions;
    }

    /** Converts each model input of {@code batch} into {@code feed}, which the caller closes even if one fails. */
    private void putInputs(Map<String, OnnxTensor> feed, Batch batch) throws OrtException {
        for (TensorSpec spec : inputs.values()) {
            feed.put(spec.name(), HostTensorConverter.toOnnx(env, name, spec, batch.inputs().get(spec.name())));
        }
    }

    /** Runs of {@link #runInPlace} whose outputs ONNX Runtime wrote straight into this runner's buffers. */
    int pinnedRuns() {
        return java.util.Arrays.stream(pinnedOutputs).filter(java.util.Objects::nonNull)
                .mapToInt(PinnedOutputs::pinnedRuns).sum();
    }

    private Set<String> checkOutputs(Collection<String> outputNames) {
        Set<String> wanted = new LinkedHashSet<>(outputNames);
        for (String output : wanted) {
            if (unreadableOutputs.contains(output)) {
                throw new Trt4jException(name + ": output '" + output
                        + "' is not a tensor of a type trt4j reads (FLOAT32, FLOAT16, INT64, INT32)");
            }
            if (!outputs.containsKey(output)) {
                throw new Trt4jException(name + ": no output named '" + output + "'; outputs are "
                        + outputs.keySet());
            }
        }
        return wanted;
    }

    private void checkInputs(Batch batch) {
        for (String given : batch.inputs().keySet()) {
            if (!inputs.containsKey(given)) {
                throw new InvalidInputException(name + ": the data has input '" + given + "' but the model's inputs "
                        + "are " + inputs.keySet());
            }
        }
        for (TensorSpec spec : inputs.values()) {
            HostTensor tensor = batch.inputs().get(spec.name());
            if (tensor == null) {
                throw new InvalidInputException(name + ": input '" + spec.name() + "' " + spec.shapeText()
                        + " is missing from the data, which has " + batch.inputs().keySet());
            }
            if (!spec.accepts(tensor.shape())) {
                throw new InvalidInputException(name + ": input '" + spec.name() + "' expects shape "
                        + spec.shapeText() + " but the data has " + Arrays.toString(tensor.shape()).replace(" ", ""));
            }
        }
        SharedDimensions.requireAgreement(name, List.copyOf(inputs.values()), batch.inputs());
        TokenInputCheck.check(name, batch.inputs());
        OrtTensorLimit.requireFits(name, inputs.values(), batch.inputs()); // else ONNX Runtime's IllegalStateException
    }

    /** Refuses a batch whose outputs, as the model declares them, are too large before ONNX Runtime makes them. */
    private void checkDeclaredOutputs(Batch batch, Set<String> wanted) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        batch.inputs().forEach((input, tensor) -> shapes.put(input, tensor.shape()));
        OrtTensorLimit.requireDeclaredOutputsFit(name, inputs.values(),
                wanted.stream().map(outputs::get).toList(), shapes);
    }

    private Map<String, TensorSpec> specs(Map<String, NodeInfo> infos, boolean inputSide, Set<String> unreadable) {
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        for (NodeInfo node : infos.values()) {
            Optional<ElementType> type = node.getInfo() instanceof TensorInfo t
                    ? OrtSpecs.elementType(t.type) : Optional.empty();
            if (type.isEmpty() || (!inputSide && !isReadable(type.get()))) {
                if (inputSide) {
                    // in the words the model reader uses for the same input (BFLOAT16, not ONNX Runtime's record)
                    String what = node.getInfo() instanceof TensorInfo t
                            ? t.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "") : "not a tensor";
                    throw new Trt4jException(name + ": input '" + node.getName() + "' is " + what
                            + ", which trt4j does not handle");
                }
                unreadable.add(node.getName());
                continue;
            }
            specs.put(node.getName(), OrtSpecs.spec(node.getName(), type.get(), (TensorInfo) node.getInfo()));
        }
        return specs;
    }

    private static boolean isReadable(ElementType type) {
        return type == ElementType.FLOAT32 || type == ElementType.FLOAT16 || type == ElementType.INT64
                || type == ElementType.INT32;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("OrtModelRunner for " + name + " is closed");
        }
    }


    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // the load error is what the user needs to see
            }
        }
    }

    /**
     * Releases the ONNX Runtime session, once the runs in progress have returned. Idempotent.
     *
     * @throws IllegalStateException when called from within a run (by an output consumer): it would wait for itself
     */
    @Override
    public void close() {
        if (lifecycle.getReadHoldCount() > 0) {
            throw new IllegalStateException("OrtModelRunner for " + name + " cannot be closed from within its own run");
        }
        lifecycle.writeLock().lock();
        try {
            closeNow();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void closeNow() {
        if (closed.compareAndSet(false, true)) {
            for (PinnedOutputs buffers : pinnedOutputs) {
                if (buffers != null) {
                    buffers.close();
                }
            }
            if (quietRunOptions != null) {
                quietRunOptions.close();
            }
            try {
                session.close();
            } catch (OrtException e) {
                throw new Trt4jException(name + ": cannot close the ONNX Runtime session: " + e.getMessage(), e);
            }
        }
    }
}
