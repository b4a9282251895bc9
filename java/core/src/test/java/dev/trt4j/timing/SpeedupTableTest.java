package dev.trt4j.timing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SpeedupTableTest {
    private static final SpeedupTable TABLE = SpeedupTable.of("fp32", List.of(
            new SpeedupTable.Entry("cls", "int8", 8, 3000),
            new SpeedupTable.Entry("cls", "fp32", 8, 1000),
            new SpeedupTable.Entry("cls", "fp16", 8, 1500),
            new SpeedupTable.Entry("cls", "fp32", 1, 200),
            new SpeedupTable.Entry("cls", "int8", 1, 250),
            new SpeedupTable.Entry("rec", "fp32", 1, 50),
            new SpeedupTable.Entry("rec", "fp16", 1, 90)));

    @Test
    void laysOutModelsByBatchGroupWithTheBaselineFirst() {
        assertThat(TABLE.models()).containsExactly("cls", "rec");
        assertThat(TABLE.batches()).containsExactly(1, 8);
        assertThat(TABLE.precisions()).containsExactly("fp32", "int8", "fp16");
        assertThat(TABLE.speedup("cls", 8, "int8")).hasValue(3.0);
        assertThat(TABLE.speedup("cls", 8, "fp32")).hasValue(1.0);
        assertThat(TABLE.speedup("cls", 1, "fp16")).isEmpty();
        assertThat(TABLE.speedup("rec", 8, "fp16")).isEmpty();
    }

    @Test
    void rendersMarkdown() {
        String md = SpeedupTableText.markdown(TABLE);
        assertThat(md.lines()).contains(
                "| Model | b1 fp32 | b1 int8 | b1 fp16 | b8 fp32 | b8 int8 | b8 fp16 |",
                "|---|---:|---:|---:|---:|---:|---:|",
                "| cls | 1.00 | 1.25 | – | 1.00 | 3.00 | 1.50 |",
                "| rec | 1.00 | – | 1.80 | – | – | – |");
        assertThat(md).startsWith("Throughput (samples/s) relative to fp32 = 1");
    }

    @Test
    void rendersCsv() {
        assertThat(SpeedupTableText.csv(TABLE).lines()).containsExactly(
                "model,b1 fp32,b1 int8,b1 fp16,b8 fp32,b8 int8,b8 fp16",
                "cls,1.000,1.250,,1.000,3.000,1.500",
                "rec,1.000,,1.800,,,");
    }

    @Test
    void rendersJsonWithMeasuredThroughput() throws Exception {
        JsonNode root = new ObjectMapper().readTree(SpeedupTableText.json(TABLE));
        assertThat(root.get("baseline").asText()).isEqualTo("fp32");
        assertThat(root.get("batchSizes").toString()).isEqualTo("[1,8]");
        JsonNode cls = root.get("rows").get(0);
        assertThat(cls.get("model").asText()).isEqualTo("cls");
        assertThat(cls.get("cells")).hasSize(6);
        JsonNode b8int8 = cls.get("cells").get(4);
        assertThat(b8int8.get("batch").asInt()).isEqualTo(8);
        assertThat(b8int8.get("precision").asText()).isEqualTo("int8");
        assertThat(b8int8.get("speedup").asDouble()).isCloseTo(3.0, within(1e-12));
        assertThat(b8int8.get("samplesPerSecond").asDouble()).isEqualTo(3000);
        assertThat(cls.get("cells").get(2).get("speedup").isNull()).isTrue();
    }

    @Test
    void refusesTwoResultsForOneCell() {
        assertThatThrownBy(() -> SpeedupTable.of("fp32", List.of(new SpeedupTable.Entry("m", "fp32", 1, 1),
                new SpeedupTable.Entry("m", "fp32", 1, 2)))).hasMessageContaining("two results for m fp32 at batch 1");
    }
}
