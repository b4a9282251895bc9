package dev.trt4j.data.text;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.data.Batch;
import dev.trt4j.data.DataOptions;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end check of rendering plus PP-OCR preprocessing: the real FP32 text-direction classifier must tell
 * upright from upside-down lines, which fails if the layout, normalisation or padding were wrong.
 */
class PpOcrClassifierOnRenderedLinesTest {
    @Test
    void classifierRecognisesTheAngleOfRenderedLines() throws IOException, OrtException {
        byte[] model;
        try (InputStream in = getClass().getResourceAsStream("/models/ch_ppocr_mobile_v2.0_cls_infer.onnx")) {
            model = in.readAllBytes();
        }
        List<String> lines = RenderedTextLineSource.splitLongLines(BundledSentences.load().subList(0, 60),
                RenderedTextLineSource.DEFAULT_MAX_LINE_CHARS).subList(0, 128);
        TensorSpec x = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, -1}, null);
        RenderedTextLineSource source = new RenderedTextLineSource(lines, "bundled", List.of(x),
                DataOptions.builder().batchSize(32).rotateHalf(true).seed(1).build());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int correct = 0;
        int sample = 0;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(model, opts)) {
                for (Optional<Batch> b = source.next(); b.isPresent(); b = source.next()) {
                    HostTensor t = b.get().inputs().get("x");
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), t.shape());
                         OrtSession.Result r = session.run(Map.of("x", in))) {
                        for (float[] p : (float[][]) r.get(0).getValue()) {
                            int predicted = p[1] > p[0] ? RenderedTextLineSource.UPSIDE_DOWN
                                    : RenderedTextLineSource.UPRIGHT;
                            correct += predicted == source.labels().get(sample++) ? 1 : 0;
                        }
                    }
                }
            }
        }
        assertThat(sample).isEqualTo(128);
        assertThat(correct).as("correctly classified of 128").isGreaterThanOrEqualTo(120);
    }
}
