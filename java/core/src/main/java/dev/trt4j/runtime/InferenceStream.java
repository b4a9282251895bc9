package dev.trt4j.runtime;

import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.StateCarrier;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One stream of a stateful model served by an {@link InferenceSession}: the caller gives the inputs of each chunk
 * (e.g. 512 audio samples), and the stream adds the state the run before returned, zeros at first. Made by
 * {@link InferenceSession#stream(StateFeedback)}.
 *
 * <p>Not thread-safe: a stream is one sequence of chunks, so its runs come one after another; different streams may
 * run at the same time on one session. A run or reset that starts while another thread runs the stream is refused
 * ({@link IllegalStateException}): interleaved, both chunks would read the same state and one update would be lost
 * without a sign.
 */
public final class InferenceStream {
    private final InferenceSession session;
    private final StateCarrier state;
    /** The thread running a chunk, or null. */
    private final AtomicReference<Thread> running = new AtomicReference<>();

    InferenceStream(InferenceSession session, StateFeedback links) {
        this.session = session;
        this.state = links.start(session.name(), session.inputs(), session.outputs());
    }

    /**
     * Runs the next chunk and hands its outputs to {@code reader}; the state outputs are kept for the next run.
     *
     * @param inputs every input but the fed-back ones, each with the batch (streams side by side) first
     * @throws InvalidInputException when the inputs do not fit (none given, an empty batch, the fed-back input given
     *                               too, more streams side by side than the state holds); the state is left as it was
     * @throws Trt4jException        when the backend fails; the state is then left as it was
     * @throws NullPointerException when {@code inputs}, {@code reader} or an input's tensor is null
     * @throws IllegalStateException after the session's {@link InferenceSession#close()}, when called from an
     *                               {@link OutputReader} of the session, or while another thread runs this stream
     */
    public <T> T run(Map<String, HostTensor> inputs, OutputReader<T> reader) {
        enter("run a chunk");
        try {
            return runOwned(inputs, reader);
        } finally {
            running.set(null);
        }
    }

    private void enter(String what) {
        Thread current = Thread.currentThread();
        Thread other = running.compareAndExchange(null, current);
        if (other != null) {
            // this thread too: a reader of this stream's run that runs or resets it would lose the state the same way
            throw new IllegalStateException(session.name() + ": cannot " + what + " while "
                    + (other == current ? "this thread" : "thread '" + other.getName() + "'") + " runs this stream; "
                    + "a stream's chunks come one after another: give each thread its own stream");
        }
    }

    private <T> T runOwned(Map<String, HostTensor> inputs, OutputReader<T> reader) {
        InferenceSession.requireArguments(inputs, reader);
        inputs.forEach((name, tensor) -> {
            if (tensor == null) {
                throw new NullPointerException("input '" + name + "' is null");
            }
        });
        if (inputs.isEmpty()) {
            throw new InvalidInputException(session.name() + ": a stream's run needs the inputs of its chunk");
        }
        int batch = batchOf(inputs);
        if (batch < 1) {
            throw new InvalidInputException(session.name() + ": a stream's chunk has an empty batch dimension");
        }
        Batch fed = state.feed(new Batch(batch, inputs));
        return session.run(fed.inputs(), out -> {
            T result = reader.read(out);
            for (String output : state.outputs()) {
                state.keep(output, out.shape(output), out.floats(output));  // copied once, from the buffer in place
            }
            return result;
        });
    }

    /**
     * The streams side by side: the first dimension of the first input, in the model's order, whose first dimension
     * the model leaves open, else of the first input that has dimensions; 1 for scalars alone. Not the first in the
     * caller's map: {@code Map.of} orders differently from one JVM to the next, and a fixed {@code sr [1]} listed first
     * made a batch of 2 streams a batch of 1.
     */
    private int batchOf(Map<String, HostTensor> inputs) {
        TensorSpec firstRanked = null;
        for (TensorSpec spec : session.inputs()) {
            HostTensor given = inputs.get(spec.name());
            if (given == null || given.shape().length == 0) {
                continue;
            }
            if (spec.dims().length > 0 && spec.dims()[0] < 0) {
                return Math.toIntExact(given.shape()[0]);
            }
            firstRanked = firstRanked == null ? spec : firstRanked;
        }
        return firstRanked == null ? 1 : Math.toIntExact(inputs.get(firstRanked.name()).shape()[0]);
    }

    /**
     * Runs the next chunk and returns a heap copy of every output.
     *
     * @throws Trt4jException        as {@link #run(Map, OutputReader)}
     * @throws NullPointerException  when {@code inputs} or an input's tensor is null
     * @throws IllegalStateException after the session's {@link InferenceSession#close()}
     */
    public Map<String, HostTensor> run(Map<String, HostTensor> inputs) {
        return run(inputs, InferenceSession::copyAll);
    }

    /**
     * Starts the stream over from a zero state, as for a new recording or connection.
     *
     * @throws IllegalStateException while another thread runs this stream
     */
    public void reset() {
        enter("reset");
        try {
            state.reset();
        } finally {
            running.set(null);
        }
    }
}
