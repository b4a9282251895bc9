package dev.trt4j.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistogramJsonTest {
    @TempDir
    Path dir;

    /** calibration.md §8.1 test_grow: the histogram grows from 2048 to 2057 bins of width 255/2048. */
    private static TensorStatistics grown() {
        TensorStatisticsCollector c = new TensorStatisticsCollector("grow", 2048, false);
        collect(c, new float[] {0, 255, 255, 255, 255, 255});
        collect(c, new float[] {0, 255, 255, 255, 255, 256});
        return c.statistics();
    }

    private static TensorStatistics random(String name, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[5000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian() * 3f;
        }
        TensorStatisticsCollector c = new TensorStatisticsCollector(name, 2048, true);
        collect(c, x);
        return c.statistics();
    }

    private static void collect(TensorStatisticsCollector c, float[] x) {
        c.collect(x, 0, x.length);
    }

    @Test
    void histogramRoundTripsBitForBit() throws Exception {
        Histogram h = grown().histogram();
        Path file = dir.resolve("h.json");

        HistogramJson.writeHistogram(file, h);
        Histogram back = HistogramJson.readHistogram(file);

        assertThat(h.numBins()).isEqualTo(2057);
        assertThat(back).isEqualTo(h);
        JsonNode node = new ObjectMapper().readTree(file.toFile());
        assertThat(node.get("counts").size()).isEqualTo(2057);
        assertThat(node.get("edges").size()).isEqualTo(2058);
        assertThat(node.get("edges").get(2048).asText()).isEqualTo("255.0");
    }

    @Test
    void statisticsFileRoundTripsEveryTensorInOrder() {
        Map<String, TensorStatistics> tensors = new LinkedHashMap<>();
        for (TensorStatistics t : List.of(random("b", 1), random("a:0", 2),
                new TensorStatistics("all zeros", null, 0f, 10), grown())) {
            tensors.put(t.name(), t);
        }
        ActivationStatistics statistics = new ActivationStatistics(tensors, 64, 8,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "synthetic:seed=1");
        StatisticsOptions options = StatisticsOptions.defaults().withSkipZeros(true).withNumBins(1024)
                .withRangePass(true);
        Path file = dir.resolve("stats.json");

        HistogramJson.writeStatistics(file, new HistogramJson.StatisticsFile(statistics, options));
        HistogramJson.StatisticsFile back = HistogramJson.readStatistics(file);

        assertThat(back.options()).isEqualTo(options);
        ActivationStatistics read = back.statistics();
        assertThat(read.samples()).isEqualTo(64);
        assertThat(read.batches()).isEqualTo(8);
        assertThat(read.modelSha256()).isEqualTo(statistics.modelSha256());
        assertThat(read.dataDescription()).isEqualTo("synthetic:seed=1");
        assertThat(read.tensors().keySet()).containsExactly("b", "a:0", "all zeros", "grow");
        for (String name : tensors.keySet()) {
            TensorStatistics expected = tensors.get(name);
            TensorStatistics actual = read.tensor(name).orElseThrow();
            assertThat(actual.name()).isEqualTo(name);
            assertThat(actual.histogram()).isEqualTo(expected.histogram());
            assertThat(Float.floatToRawIntBits(actual.absMax())).isEqualTo(Float.floatToRawIntBits(expected.absMax()));
            assertThat(actual.count()).isEqualTo(expected.count());
        }
    }

    @Test
    void aDroppedHistogramReadsBackWithItsReasonAndOnlyThenMayBeMissing() throws Exception {
        TensorStatisticsCollector quiet = new TensorStatisticsCollector("stream", 2048, false);
        quiet.dropHistogramOnOverflow();
        collect(quiet, new float[] {1e-7f});
        collect(quiet, new float[] {0.75f});
        Map<String, TensorStatistics> tensors = new LinkedHashMap<>();
        tensors.put("stream", quiet.statistics());
        ActivationStatistics statistics = new ActivationStatistics(tensors, 2, 2,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "synthetic:seed=1");
        Path file = dir.resolve("dropped.json");

        HistogramJson.writeStatistics(file, new HistogramJson.StatisticsFile(statistics, StatisticsOptions.defaults()));
        TensorStatistics back = HistogramJson.readStatistics(file).statistics().tensor("stream").orElseThrow();

        assertThat(back).isEqualTo(quiet.statistics());
        assertThat(back.droppedBecause()).contains("would grow the histogram");
        // without the reason, a tensor with values and no histogram was cut out of the file
        Files.writeString(file, Files.readString(file).replaceAll(",\\s*\"histogramDropped\"\\s*:\\s*\"[^\"]*\"", ""));
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("histogram").hasMessageContaining("is missing");
    }

    /** The streamed file keeps the layout users read and diff: one field a line, each array on one line. */
    @Test
    void statisticsAreWrittenInTheReadableLayout() throws Exception {
        Map<String, TensorStatistics> tensors = new LinkedHashMap<>();
        tensors.put("x", new TensorStatistics("x", new Histogram(new long[] {3, 0, 1}, new float[] {0f, 0.1f, 0.2f,
                0.3f}), 0.25f, 4));
        tensors.put("z", new TensorStatistics("z", null, 0f, 2));
        ActivationStatistics statistics = new ActivationStatistics(tensors, 2, 1, "ab".repeat(32), "synthetic:seed=1");
        Path file = dir.resolve("layout.json");

        HistogramJson.writeStatistics(file, new HistogramJson.StatisticsFile(statistics,
                StatisticsOptions.defaults().withNumBins(3)));

        assertThat(Files.readString(file)).isEqualTo("""
                {
                  "format": "trt4j.tensor-statistics",
                  "version": 1,
                  "numBins": 3,
                  "skipZeros": false,
                  "rangePass": false,
                  "samples": 2,
                  "batches": 1,
                  "modelSha256": "abababababababababababababababababababababababababababababababab",
                  "data": "synthetic:seed=1",
                  "tensors": {
                    "x": {
                      "absMax": 0.25,
                      "count": 4,
                      "histogram": {
                        "counts": [ 3, 0, 1 ],
                        "edges": [ 0.0, 0.1, 0.2, 0.3 ]
                      }
                    },
                    "z": {
                      "absMax": 0.0,
                      "count": 2,
                      "histogram": null
                    }
                  }
                }
                """);
    }

    @Test
    void aHistogramGrownToManyBinsReadsBack() throws Exception {
        // Grown 100-fold to 204,800 bins: its edges i·width are float32 roundings a few ulps off the line, more than
        // a thousandth of a bin there, and reading it back was refused as "bins are not of one width".
        TensorStatisticsCollector c = new TensorStatisticsCollector("wide", 2048, false);
        collect(c, new float[] {0.01f, 0.005f});
        collect(c, new float[] {1f});
        Histogram h = c.statistics().histogram();
        Path file = dir.resolve("wide.json");

        HistogramJson.writeHistogram(file, h);

        assertThat(h.numBins()).isEqualTo(204_800);
        assertThat(HistogramJson.readHistogram(file)).isEqualTo(h);
    }

    @Test
    void histogramErrorsNameTheFileAndTheField() throws Exception {
        assertHistogramError("{\"counts\": [1, 2], \"edges\": [0, 1]}", "edges: 2 edges for 2 counts");
        assertHistogramError("{\"counts\": [1, 2], \"edges\": [0, 1, 2, 3]}", "expected one more edge");
        assertHistogramError("{\"counts\": [], \"edges\": [0]}", "no bins");
        assertHistogramError("{\"counts\": [1, -2], \"edges\": [0, 1, 2]}", "negative");
        assertHistogramError("{\"counts\": [1, 2], \"edges\": [0, 2, 1]}", "decrease");
        assertHistogramError("{\"counts\": [1, 2], \"edges\": [0, 1, 3]}", "histogram bins are not of one width "
                + "(bin 0 is 1.0 wide, the mean 1.5)");
        assertHistogramError("{\"counts\": [1, 2.5], \"edges\": [0, 1, 2]}", "counts[1]: expected an integer");
        assertHistogramError("{\"counts\": [1, 9223372036854775808], \"edges\": [0, 1, 2]}", "counts[1]: is "
                + "9223372036854775808, too large for a 64-bit integer (at most 9223372036854775807)");
        assertHistogramError("{\"counts\": [1, 2], \"edges\": [0, \"1\", 2]}", "edges[1]: expected a number");
        assertHistogramError("{\"edges\": [0, 1]}", "counts: missing");
        assertHistogramError("{\"counts\": [1, 2], \"edges\": [0, 1, 2]", "not valid JSON");
    }

    private void assertHistogramError(String json, String fragment) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, json);
        assertThatThrownBy(() -> HistogramJson.readHistogram(file)).as(json)
                .isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(fragment)
                .hasMessageNotContaining("\n");
    }

    @Test
    void statisticsErrors() throws Exception {
        Path file = dir.resolve("s.json");
        Files.writeString(file, "{\"format\": \"trt4j.calibration-table\", \"version\": 1}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("format").hasMessageContaining("trt4j.tensor-statistics");
        String header = "{\"format\": \"trt4j.tensor-statistics\", \"version\": 1, \"numBins\": 8, "
                + "\"skipZeros\": false, \"samples\": 1, \"batches\": 1, \"modelSha256\": \"x\", \"data\": \"d\", ";
        Files.writeString(file, header
                + "\"tensors\": {\"x\": {\"absMax\": -1, \"count\": 3, \"histogram\": null}}}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("tensors[\"x\"]").hasMessageContaining("max |x|");
        // without skip-zeros, values with no histogram mean a histogram was cut out of the file
        Files.writeString(file, header + "\"tensors\": {\"x\": {\"absMax\": 1, \"count\": 3, \"histogram\": null}}}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("tensors[\"x\"].histogram").hasMessageContaining("is missing, though the tensor "
                        + "has 3 values and the statistics were collected without skip-zeros");
        Files.writeString(file, header.replace("\"numBins\": 8", "\"numBins\": 0") + "\"tensors\": {}}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(file + ": numBins: ");
        Files.writeString(file, header.replace("\"samples\": 1", "\"samples\": -1") + "\"tensors\": {}}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(file + ": samples: must not be negative");
    }

    /**
     * A count the histogram contradicts is refused: every value collected is binned, but for the zeros skip-zeros
     * leaves out, which still count.
     */
    @Test
    void aCountItsHistogramContradictsIsRefused() throws Exception {
        Path file = dir.resolve("s.json");
        String header = "{\"format\": \"trt4j.tensor-statistics\", \"version\": 1, \"numBins\": 2, "
                + "\"skipZeros\": false, \"samples\": 1, \"batches\": 1, \"modelSha256\": \"x\", \"data\": \"d\", ";
        String histogram = "\"histogram\": {\"counts\": [1, 2], \"edges\": [0, 1, 2]}";
        Files.writeString(file, header + "\"tensors\": {\"x\": {\"absMax\": 1.5, \"count\": 9223372036854775807, "
                + histogram + "}}}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": tensors[\"x\"].count: is 9223372036854775807, but its histogram holds 3 values; "
                        + "without skip-zeros the histogram holds every value collected, so the two are equal");

        String skipping = header.replace("\"skipZeros\": false", "\"skipZeros\": true");
        Files.writeString(file, skipping + "\"tensors\": {\"x\": {\"absMax\": 1.5, \"count\": 5, " + histogram
                + "}}}");
        assertThat(HistogramJson.readStatistics(file).statistics().tensor("x").orElseThrow().count()).isEqualTo(5);
        Files.writeString(file, skipping + "\"tensors\": {\"x\": {\"absMax\": 1.5, \"count\": 2, " + histogram
                + "}}}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(file + ": tensors[\"x\"].count: is 2, but its histogram holds 3 values; "
                        + "with skip-zeros");
    }

    /**
     * A max |x| the histogram contradicts is refused, naming the field: beyond the last edge, or below the last bin
     * that counts values. Within a couple of bins it is kept, as growth leaves trt4j's own max |x| up to a bin past
     * the last edge.
     */
    @Test
    void aMaxItsHistogramContradictsIsRefused() throws Exception {
        Path file = dir.resolve("s.json");
        String header = "{\"format\": \"trt4j.tensor-statistics\", \"version\": 1, \"numBins\": 4, "
                + "\"skipZeros\": false, \"samples\": 1, \"batches\": 1, \"modelSha256\": \"x\", \"data\": \"d\", ";
        String tensor = "{\"x\": {\"absMax\": %s, \"count\": 3, \"histogram\": {\"counts\": [1, 0, 2, 0], "
                + "\"edges\": [0, 0.25, 0.5, 0.75, 1]}}}}";
        for (String kept : new String[] {"0.5", "0.6", "0.75", "1", "1.25", "0.25"}) {
            Files.writeString(file, header + "\"tensors\": " + tensor.formatted(kept));
            assertThat(HistogramJson.readStatistics(file).statistics().tensor("x").orElseThrow().absMax()).as(kept)
                    .isEqualTo(Float.parseFloat(kept));
        }

        Files.writeString(file, header + "\"tensors\": " + tensor.formatted("7.5"));
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": tensors[\"x\"].absMax: is 7.5, beyond the histogram's last edge 1.0; max |x| is "
                        + "the largest value binned, so the histogram reaches it");
        Files.writeString(file, header.replace("\"numBins\": 4", "\"numBins\": 16") + "\"tensors\": "
                + "{\"x\": {\"absMax\": 0.01, \"count\": 2, \"histogram\": {\"counts\": [1, "
                + "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], \"edges\": [0, 0.0625, 0.125, 0.1875, 0.25, 0.3125, "
                + "0.375, 0.4375, 0.5, 0.5625, 0.625, 0.6875, 0.75, 0.8125, 0.875, 0.9375, 1]}}}}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": tensors[\"x\"].absMax: is 0.01, but the histogram counts values in [0.9375, 1.0]; "
                        + "max |x| is the largest value binned, so it is at least 0.9375");
    }

    /** What trt4j's collector writes reads back, growth included: its max |x| can pass the last edge by a bin. */
    @Test
    void collectedStatisticsWithGrownHistogramsReadBack() {
        Random random = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            TensorStatisticsCollector c = new TensorStatisticsCollector("t", 1 + random.nextInt(64), false);
            for (int batch = 0; batch < 4; batch++) {
                float[] values = new float[1 + random.nextInt(50)];
                double scale = Math.pow(10, random.nextInt(8) - 2) * (1 + random.nextInt(999));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextInt(3) == 0 ? scale : random.nextDouble() * scale);
                }
                try {
                    c.collect(values, 0, values.length);
                } catch (CalibrationException tooManyBins) {
                    break;
                }
            }
            TensorStatistics t = c.statistics();
            assertThat(AbsMaxFit.contradiction(t)).as("trial %d", trial).isNull();
        }
    }

    /** Read a tensor at a time, the file is still held to what a whole-tree read checked. */
    @Test
    void aStatisticsFileReadTensorByTensorIsAsStrictAsATree() throws Exception {
        Path file = dir.resolve("s.json");
        String header = "{\"format\": \"trt4j.tensor-statistics\", \"version\": 1, \"numBins\": 2, "
                + "\"skipZeros\": false, \"samples\": 1, \"batches\": 1, \"modelSha256\": \"x\", \"data\": \"d\", ";
        String x = "\"x\": {\"absMax\": 1.5, \"count\": 3, \"histogram\": {\"counts\": [1, 2], \"edges\": [0, 1, 2]}}";
        String y = "\"y\": {\"absMax\": 0.5, \"count\": 1, \"histogram\": {\"counts\": [0, 1], "
                + "\"edges\": [0, 0.25, 0.5]}}";
        Files.writeString(file, "\uFEFF" + header + "\"tensors\": {" + x + ", " + y + "}}\n");
        ActivationStatistics read = HistogramJson.readStatistics(file).statistics();
        assertThat(read.tensors().keySet()).containsExactly("x", "y");
        assertThat(read.tensor("y").orElseThrow().histogram().edge(1)).isEqualTo(0.25f);
        assertThat(HistogramJson.isStatistics(file)).isTrue();

        // tensors before the header (a file edited by hand): read too, its header still checked
        Files.writeString(file, "{\"tensors\": {" + x + "}, " + header.substring(1, header.length() - 2) + "}");
        assertThat(HistogramJson.readStatistics(file).statistics().tensors()).containsOnlyKeys("x");
        Files.writeString(file, "{\"tensors\": {" + x + "}, \"format\": \"trt4j.calibration-table\"}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).hasMessage(file
                + ": format: is 'trt4j.calibration-table'; expected 'trt4j.tensor-statistics'");

        Files.writeString(file, header + "\"tensors\": {" + x + ", " + x + "}}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(file + ": not valid JSON at line 1").hasMessageContaining("duplicate key 'x'");
        Files.writeString(file, header + "\"tensors\": {" + x + "}} {}");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).hasMessageStartingWith(file
                + ": not valid JSON at line 1")
                .hasMessageEndingWith(": unexpected text after the end of the JSON value");
        Files.writeString(file, header + "\"tensors\": {" + x);
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).hasMessageContaining("unexpected end of input");
        Files.writeString(file, "");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).hasMessage(file
                + ": is empty; expected a JSON document");
        Files.writeString(file, "[1, 2]");
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).hasMessage(file
                + ": expected an object, found an array");
        assertThatThrownBy(() -> HistogramJson.isStatistics(file)).hasMessage(file
                + ": expected an object, found an array");
        Files.write(file, new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
        assertThatThrownBy(() -> HistogramJson.readStatistics(file)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(file + ": ").hasMessageNotContaining("\n");
    }
}
