package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchStagerTest {
    private final BatchStager stager = new BatchStager(List.of(
            new InputSlot("input_ids", ElementType.INT64, new long[] {1, 4}),
            new InputSlot("pixels", ElementType.FLOAT32, new long[] {1, 2})));
    private final Map<String, ByteBuffer> buffers = new LinkedHashMap<>();

    BatchStagerTest() {
        stager.slots().forEach(s -> buffers.put(s.name(), ByteBuffer.allocateDirect((int) s.byteSize())));
    }

    @Test
    void copiesEachTensorIntoTheBufferOfItsInputWhateverTheBatchOrder() {
        Map<String, HostTensor> in = new LinkedHashMap<>();
        in.put("pixels", HostTensor.ofFloats(new long[] {1, 2}, new float[] {0.5f, -1f}));
        in.put("input_ids", HostTensor.ofLongs(new long[] {1, 4}, new long[] {101, 7, 8, 102}));
        stager.stage(new Batch(1, in), buffers::get);
        assertThat(HostTensorCodec.decode(ElementType.INT64, new long[] {1, 4}, buffers.get("input_ids")).longs())
                .containsExactly(101, 7, 8, 102);
        assertThat(HostTensorCodec.decode(ElementType.FLOAT32, new long[] {1, 2}, buffers.get("pixels")).floats())
                .containsExactly(0.5f, -1f);
    }

    @Test
    void namesTheMissingExtraOrMisshapenInput() {
        HostTensor ids = HostTensor.ofLongs(new long[] {1, 4}, new long[4]);
        HostTensor px = HostTensor.ofFloats(new long[] {1, 2}, new float[2]);
        assertThatThrownBy(() -> stager.stage(new Batch(1, Map.of("input_ids", ids)), buffers::get))
                .isInstanceOf(Trt4jException.class).hasMessage("sample batch lacks input 'pixels'; it has [input_ids]");
        assertThatThrownBy(() -> stager.stage(new Batch(1, Map.of("input_ids", ids, "pixels", px, "mask", ids)),
                buffers::get)).hasMessageContaining("input 'mask' that the engine does not have");
        HostTensor wide = HostTensor.ofFloats(new long[] {2, 2}, new float[4]);
        assertThatThrownBy(() -> stager.stage(new Batch(2, Map.of("input_ids", ids, "pixels", wide)), buffers::get))
                .hasMessageContaining("'pixels' has shape [2, 2] but the engine expects [1, 2]");
    }

    @Test
    void recognisesOnlyAShorterFirstDimensionAsAShortFinalBatch() {
        BatchStager batched = new BatchStager(List.of(new InputSlot("x", ElementType.FLOAT32, new long[] {4, 2})));
        assertThat(batched.isShortFinalBatch(new Batch(3, Map.of("x", HostTensor.ofFloats(new long[] {3, 2}, new float[6])))))
                .isTrue();
        assertThat(batched.isShortFinalBatch(new Batch(4, Map.of("x", HostTensor.ofFloats(new long[] {4, 2}, new float[8])))))
                .isFalse();
        assertThat(batched.isShortFinalBatch(new Batch(3, Map.of("x", HostTensor.ofFloats(new long[] {3, 1}, new float[3])))))
                .isFalse();
    }

    @Test
    void mapsTensorRtsRequestedNamesToSlots() {
        assertThat(stager.slotIndices(List.of("pixels", "input_ids"))).containsExactly(1, 0);
        assertThatThrownBy(() -> stager.slotIndices(List.of("pixels", "attention_mask")))
                .hasMessageContaining("TensorRT asked for input 'attention_mask'");
    }
}
