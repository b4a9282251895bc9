package dev.trt4j.benchmark;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComparisonRowTest {
    @Test
    void parsesLabelsInOrderAndNamesTheRowAfterTheBaseline() {
        ComparisonRow row = ComparisonRow.parse("fp32=engines/cls.fp32.engine, fp16=engines/cls.fp16.engine,"
                + "int8=engines/cls.int8.engine");
        assertThat(row.model()).isEqualTo("cls");
        assertThat(row.files().keySet()).containsExactly("fp32", "fp16", "int8");
        assertThat(row.files().get("fp16")).isEqualTo(Path.of("engines/cls.fp16.engine"));
        assertThat(ComparisonRow.parse("model=PP-OCR cls,int8=q.onnx,fp32=m.onnx").model()).isEqualTo("PP-OCR cls");
        assertThat(ComparisonRow.parse("fp32=minilm.onnx").model()).isEqualTo("minilm");
    }

    @Test
    void anyLabelNamesAColumnSoQuantizationsOfOnePrecisionCanBeCompared() {
        ComparisonRow row = ComparisonRow.parse("model=minilm,fp32=m.onnx,dynamic-int8=m-q.onnx,trt4j-int8=m.ort.onnx");
        assertThat(row.files().keySet()).containsExactly("fp32", "dynamic-int8", "trt4j-int8");
        assertThat(row.files().get("dynamic-int8")).isEqualTo(Path.of("m-q.onnx"));
        assertThatThrownBy(() -> ComparisonRow.parse("fp32=a,int8 (dyn)=b")).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("column label 'int8 (dyn)' may only hold letters, digits and _ . + -");
    }

    @Test
    void refusesMalformedSpecs() {
        assertThatThrownBy(() -> ComparisonRow.parse("fp16=a.engine")).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("needs an fp32=FILE entry");
        assertThatThrownBy(() -> ComparisonRow.parse("fp32=a,fp32=b")).hasMessageContaining("'fp32' is given twice");
        assertThatThrownBy(() -> ComparisonRow.parse("fp32=a,int8=b,")).hasMessageContaining("'' is not LABEL=FILE");
        assertThatThrownBy(() -> ComparisonRow.parse("fp32=a,int8")).hasMessageContaining("'int8' is not LABEL=FILE");
    }
}
