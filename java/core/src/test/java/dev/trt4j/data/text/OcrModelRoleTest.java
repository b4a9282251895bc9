package dev.trt4j.data.text;

import dev.trt4j.data.DataOptions;
import dev.trt4j.data.image.ImagePreprocessing;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class OcrModelRoleTest {
    private static TensorSpec f(String name, long... dims) {
        return new TensorSpec(name, ElementType.FLOAT32, dims, null);
    }

    @Test
    void thePpOcrModelsAreRecognisedByTheirShapes() {
        TensorSpec dynamic = f("x", -1, 3, -1, -1);
        assertThat(OcrModelRole.of(List.of(dynamic), List.of(f("y", -1, 2))))
                .contains(OcrModelRole.DIRECTION_CLASSIFIER);
        assertThat(OcrModelRole.of(List.of(f("x", -1, 3, 48, -1)), List.of(f("y", -1, -1, 6625))))
                .contains(OcrModelRole.LINE_READER);
        assertThat(OcrModelRole.of(List.of(dynamic), List.of(f("map", -1, 1, -1, -1))))
                .contains(OcrModelRole.TEXT_DETECTOR);
        assertThat(OcrModelRole.probabilityMap(List.of(f("a", -1, 2), f("map", -1, 1, -1, -1))))
                .map(TensorSpec::name).contains("map");
    }

    @Test
    void otherModelsHaveNoRole() {
        assertThat(OcrModelRole.of(List.of(f("x", -1, 3, -1, -1)), List.of(f("y", -1, 1000))))
                .as("an image classifier with dynamic sizes: not a line reader").isEmpty();
        assertThat(OcrModelRole.of(List.of(f("x", 1, 3, 224, 224)), List.of(f("y", 1, 1000))))
                .as("an ImageNet classifier: not a text-line height").isEmpty();
        assertThat(OcrModelRole.of(List.of(f("x", -1, 1, 28, 28)), List.of(f("y", -1, 10)))).isEmpty();
        assertThat(OcrModelRole.of(List.of(new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, null)),
                List.of(f("y", -1, -1, 384)))).isEmpty();
        assertThat(OcrModelRole.of(List.of(f("a", -1, 3, 48, -1), f("b", -1, 3, 48, -1)), List.of(f("y", -1, 2))))
                .isEqualTo(Optional.empty());
    }

    /** bench times a PP-OCR model at the size calibrate reads it at, where --shapes gives none. */
    @Test
    void eachRoleHasPaddleOcrsSizeForTheSidesTheModelLeavesOpen() {
        assertThat(OcrModelRole.DIRECTION_CLASSIFIER.defaultShape(f("x", -1, 3, -1, -1))).containsExactly(1, 3, 48, 192);
        assertThat(OcrModelRole.LINE_READER.defaultShape(f("x", -1, 3, 48, -1))).containsExactly(1, 3, 48, 640);
        assertThat(OcrModelRole.TEXT_DETECTOR.defaultShape(f("x", -1, 3, -1, -1))).containsExactly(1, 3, 480, 640);
        // the model's own dimensions stay
        assertThat(OcrModelRole.LINE_READER.defaultShape(f("x", 4, 3, 48, 320))).containsExactly(4, 3, 48, 320);
    }

    @Test
    void eachRoleRendersWhatItReads() {
        DataOptions o = DataOptions.builder().seed(3).build();
        DataOptions turned = OcrModelRole.DIRECTION_CLASSIFIER.samplesFor(o);
        assertThat(turned.rotateHalf()).isTrue();
        assertThat(turned.imagePreprocessing()).isEqualTo(ImagePreprocessing.ppOcrClassifier());
        DataOptions lines = OcrModelRole.LINE_READER.samplesFor(o);
        assertThat(lines.rotateHalf()).isFalse();
        assertThat(lines.renderPages()).isFalse();
        assertThat(lines.imagePreprocessing()).isEqualTo(ImagePreprocessing.ppOcrRecognizer(640));
        DataOptions pages = OcrModelRole.TEXT_DETECTOR.samplesFor(o);
        assertThat(pages.renderPages()).isTrue();
        // a detector's data of any kind (its images too) is held to the sides it takes
        assertThat(pages.textDetector()).isTrue();
        assertThat(lines.textDetector()).isFalse();
        assertThat(turned.textDetector()).isFalse();
        assertThat(pages.rotateHalf()).isFalse();
        assertThat(pages.seed()).isEqualTo(3);
        assertThat(pages.imagePreprocessing()).isEqualTo(ImagePreprocessing.ppOcrDetector());
        // the user's preset wins
        DataOptions own = o.toBuilder().imagePreprocessing(ImagePreprocessing.imageNet()).build();
        assertThat(OcrModelRole.TEXT_DETECTOR.samplesFor(own).imagePreprocessing())
                .isEqualTo(ImagePreprocessing.imageNet());
    }
}
