package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.tensor.HostTensor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Copies sample batches into one staging buffer per engine input, matching tensors to inputs by name and
 * checking that each has the shape the engine expects. Used to feed TensorRT's calibrator, which asks for
 * device buffers by input name in an order of its choosing ({@link #slotIndices}).
 */
public final class BatchStager {
    private final List<InputSlot> slots;
    private final Map<String, Integer> indexByName = new LinkedHashMap<>();

    /** A stager for the given inputs, in engine order. */
    public BatchStager(List<InputSlot> slots) {
        this.slots = List.copyOf(slots);
        for (int i = 0; i < this.slots.size(); i++) {
            if (indexByName.put(this.slots.get(i).name(), i) != null) {
                throw new IllegalArgumentException("input '" + this.slots.get(i).name() + "' appears twice");
            }
        }
    }

    /** The inputs, in engine order. */
    public List<InputSlot> slots() {
        return slots;
    }

    /**
     * Copies every tensor of {@code batch} into the buffer of its input.
     *
     * @param bufferFor the staging buffer of an input, at least {@link InputSlot#byteSize()} bytes
     * @throws Trt4jException when the batch lacks an input, has one the engine does not, or a tensor has
     *         another shape or an unconvertible type
     */
    public void stage(Batch batch, Function<String, ByteBuffer> bufferFor) {
        Map<String, HostTensor> tensors = batch.inputs();
        for (String name : tensors.keySet()) {
            if (!indexByName.containsKey(name)) {
                throw new Trt4jException("sample batch has input '" + name + "' that the engine does not have; "
                        + "engine inputs are " + indexByName.keySet());
            }
        }
        for (InputSlot slot : slots) {
            HostTensor tensor = tensors.get(slot.name());
            if (tensor == null) {
                throw new Trt4jException("sample batch lacks input '" + slot.name() + "'; it has " + tensors.keySet());
            }
            if (!Arrays.equals(tensor.shape(), slot.shape())) {
                throw new Trt4jException("sample batch input '" + slot.name() + "' has shape "
                        + Arrays.toString(tensor.shape()) + " but the engine expects " + Arrays.toString(slot.shape())
                        + " (the calibration profile's opt shape, or the model's static shape)");
            }
            HostTensorCodec.encode("sample batch input '" + slot.name() + "'", tensor, slot.type(),
                    bufferFor.apply(slot.name()));
        }
    }

    /**
     * True when {@code batch} is a data set's short last batch: every tensor has its input's shape except for
     * a smaller first (batch) dimension. Calibration stops there instead of failing, since TensorRT calibrates
     * at one fixed shape.
     */
    public boolean isShortFinalBatch(Batch batch) {
        for (InputSlot slot : slots) {
            HostTensor t = batch.inputs().get(slot.name());
            if (t == null) {
                return false;
            }
            long[] have = t.shape();
            long[] want = slot.shape();
            if (have.length != want.length || have.length == 0 || have[0] >= want[0]) {
                return false;
            }
            for (int i = 1; i < have.length; i++) {
                if (have[i] != want[i]) {
                    return false;
                }
            }
        }
        return batch.inputs().size() == slots.size();
    }

    /**
     * Maps the input names TensorRT asks for to slot indices, in TensorRT's order.
     *
     * @throws Trt4jException when TensorRT asks for an input the stager has no buffer for
     */
    public int[] slotIndices(List<String> requestedNames) {
        int[] indices = new int[requestedNames.size()];
        for (int i = 0; i < indices.length; i++) {
            Integer index = indexByName.get(requestedNames.get(i));
            if (index == null) {
                throw new Trt4jException("TensorRT asked for input '" + requestedNames.get(i)
                        + "' that trt4j has no buffer for; staged inputs are " + indexByName.keySet());
            }
            indices[i] = index;
        }
        return indices;
    }

    /** The input names, in engine order. */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(indexByName.keySet()));
    }
}
