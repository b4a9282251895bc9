package dev.trt4j.data;

import dev.trt4j.InvalidInputException;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.ShapeText;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The running state of one model in one pass over the data, made by {@link StateFeedback#start}: {@link #feed}
 * adds the state inputs to each batch (zeros at first, and for each sample that starts a new stream, see
 * {@link Batch#streamStarts}), {@link #keep} takes the fed-back outputs of the run.
 *
 * <p>Not thread-safe: one pass uses it.
 */
public final class StateCarrier {
    /** One link, with the fed input's declared dims and its only dynamic dimension (-1 when it has none). */
    record Slot(StateFeedback.Link link, long[] dims, int batchAxis) {
    }

    private final String model;
    private final List<Slot> slots;
    /** The batch the model's data inputs fix (-1: open), which a state input fixed whole holds too. */
    private final long fixedBatch;
    private final Map<String, HostTensor> state = new LinkedHashMap<>();
    private final Map<String, HostTensor> fed = new LinkedHashMap<>();

    StateCarrier(String model, List<Slot> slots, long fixedBatch) {
        this.model = model;
        this.slots = List.copyOf(slots);
        this.fixedBatch = fixedBatch;
    }

    /** Starts over from a zero state, as for a new stream. */
    public void reset() {
        state.clear();
        fed.clear();
    }

    /** The outputs the model must return at each run so that {@link #keep} gets them. */
    public Set<String> outputs() {
        Set<String> names = new LinkedHashSet<>();
        slots.forEach(s -> names.add(s.link().output()));
        return names;
    }

    /**
     * {@code data} with the state inputs added: the outputs kept from the run before, cut to the first samples when
     * this batch is smaller; zeros before the first run.
     *
     * @throws InvalidInputException if the batch gives a fed-back input too, or the kept state does not fit it
     */
    public Batch feed(Batch data) {
        if (slots.isEmpty()) {
            return data;
        }
        if (data.size() > 1 && data.streamStarts().contains(0)) {
            // A source of streams (audio files) hands out each stream's windows in order, one after another; side by
            // side in a batch, position j would be fed the state of a window B earlier, not of the one before.
            // options that contradict each other (--feedback with audio at a batch above 1) are a usage error, and
            // the model fixing its batch is a model that needs converting: only the former is exit code 2
            String message = model + ": --feedback with batches of " + data.size() + ": the windows of each "
                    + "audio file form one stream in order, which only batches of 1 feed back correctly; "
                    + (fixedBatch > 1 ? "the model fixes its batch to " + fixedBatch + ", so fix it to 1 first (trt4j "
                    + "convert --fix-shapes)" : "give --batch 1");
            throw fixedBatch > 1 ? new Trt4jException(message) : new InvalidOptionException(message);
        }
        Map<String, HostTensor> inputs = new LinkedHashMap<>(data.inputs());
        fed.clear();
        for (Slot slot : slots) {
            String input = slot.link().input();
            if (data.inputs().containsKey(input)) {
                throw new InvalidInputException(model + ": state link " + slot.link() + ": input '" + input
                        + "' is fed back from '" + slot.link().output() + "', so it must not be given as well");
            }
            if (slot.batchAxis() < 0 && data.size() > 1 && !(data.size() == fixedBatch && holdsBatch(slot))) {
                throw new InvalidInputException(model + ": state link " + slot.link() + ": input '" + input + "' "
                        + ShapeText.of(slot.dims()) + " has no dynamic batch dimension, so it holds one "
                        + "stream's state and cannot be shared by a batch of " + data.size() + "; use batches of 1, "
                        + "or leave its batch dimension dynamic");
            }
            long[] shape = shapeFor(slot, data.size());
            HostTensor previous = state.get(input);
            HostTensor value;
            if (previous == null) {
                value = HostTensor.ofFloats(shape, new float[Math.toIntExact(HostTensor.elementCount(shape))]);
            } else if (Arrays.equals(previous.shape(), shape)) {
                value = previous;
            } else if (slot.batchAxis() >= 0 && sameBut(previous.shape(), shape, slot.batchAxis())
                    && previous.shape()[slot.batchAxis()] > shape[slot.batchAxis()]) {
                value = firstAlong(previous, slot.batchAxis(), (int) shape[slot.batchAxis()]);
            } else {
                throw new InvalidInputException(model + ": state link " + slot.link() + ": the state from the run "
                        + "before is " + ShapeText.of(previous.shape()) + ", but a batch of " + data.size() + " needs "
                        + ShapeText.of(shape));
            }
            if (previous != null && !data.streamStarts().isEmpty()) {
                value = restarted(slot, value, data);
            }
            inputs.put(input, value);
            fed.put(slot.link().output(), value);
        }
        return new Batch(data.size(), inputs, data.streamStarts());
    }

    /** {@code state} with the part of each sample that begins a new stream set to zero. */
    private HostTensor restarted(Slot slot, HostTensor state, Batch data) {
        long[] shape = state.shape();
        if (slot.batchAxis() < 0) {
            // one stream: feed() refuses larger batches
            return HostTensor.ofFloats(shape, new float[Math.toIntExact(state.elementCount())]);
        }
        float[] values = state.floats().clone();
        int axis = slot.batchAxis();
        long outer = product(shape, 0, axis);
        long inner = product(shape, axis + 1, shape.length);
        for (int sample : data.streamStarts()) {
            for (long o = 0; o < outer; o++) {
                int from = Math.toIntExact((o * shape[axis] + sample) * inner);
                Arrays.fill(values, from, Math.toIntExact(from + inner), 0f);
            }
        }
        return HostTensor.ofFloats(shape, values);
    }

    /**
     * Keeps an output of the run of the batch last {@link #feed fed} as the next run's state (copied: the buffer may
     * be reused). Outputs that are not linked are ignored.
     *
     * @throws Trt4jException if the output's shape differs from the input it feeds
     */
    public void keep(String output, long[] shape, FloatBuffer values) {
        HostTensor input = fed.get(output);
        if (input == null) {
            return;
        }
        requireShape(output, shape, input);
        FloatBuffer view = values.duplicate();
        float[] copy = new float[view.remaining()];
        view.get(copy);
        store(output, HostTensor.ofFloats(shape, copy));
    }

    /** As {@link #keep(String, long[], FloatBuffer)}, for a tensor the run returned. */
    public void keep(String output, HostTensor value) {
        HostTensor input = fed.get(output);
        if (input == null) {
            return;
        }
        requireShape(output, value.shape(), input);
        store(output, HostTensor.ofFloats(value.shape(), value.floats().clone()));
    }

    private void requireShape(String output, long[] shape, HostTensor input) {
        if (!Arrays.equals(shape, input.shape())) {
            throw new Trt4jException(model + ": fed-back output '" + output + "' is "
                    + ShapeText.of(shape) + ", but the input it feeds takes "
                    + ShapeText.of(input.shape()));
        }
    }

    /** Keeps every linked output among {@code outputs}. */
    public void keepAll(Map<String, HostTensor> outputs) {
        for (String output : outputs()) {
            HostTensor value = outputs.get(output);
            if (value != null) {
                keep(output, value);
            }
        }
    }

    private void store(String output, HostTensor value) {
        for (Slot slot : slots) {
            if (slot.link().output().equals(output)) {
                state.put(slot.link().input(), value);
            }
        }
    }

    /** Whether a state fixed whole has an axis of the model's fixed batch, which can hold one state per stream. */
    private boolean holdsBatch(Slot slot) {
        return Arrays.stream(slot.dims()).anyMatch(d -> d == fixedBatch);
    }

    private long[] shapeFor(Slot slot, int batch) {
        long[] shape = slot.dims().clone();
        if (slot.batchAxis() >= 0) {
            shape[slot.batchAxis()] = batch;
        }
        return shape;
    }

    private static boolean sameBut(long[] a, long[] b, int axis) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (i != axis && a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    /** The product of {@code shape[from .. to)}: the size of the blocks before or after an axis. */
    private static long product(long[] shape, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** The first {@code n} entries of {@code t} along {@code axis}. */
    private static HostTensor firstAlong(HostTensor t, int axis, int n) {
        long[] shape = t.shape();
        long outer = product(shape, 0, axis);
        long inner = product(shape, axis + 1, shape.length);
        int from = Math.toIntExact(shape[axis] * inner);
        int to = Math.toIntExact(n * inner);
        float[] src = t.floats();
        float[] dst = new float[Math.toIntExact(outer * to)];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, o * from, dst, o * to, to);
        }
        shape[axis] = n;
        return HostTensor.ofFloats(shape, dst);
    }
}
