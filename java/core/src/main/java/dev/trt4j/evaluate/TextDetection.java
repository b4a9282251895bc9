package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.text.OcrModelRole;
import dev.trt4j.data.text.TextBox;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How well a text detector with a probability-map output {@code [N,1,H,W]} (PP-OCR's DBNet) finds known lines: its
 * map becomes boxes through {@link TextRegions}, each matched one-to-one to a known line box when it covers at least
 * {@value #AREA_RECALL} of the line's box and the line's box covers at least {@value #AREA_PRECISION} of it (ICDAR
 * 2013's DetEval area rule). The known boxes are the lines' ink, which a correct detection encloses with a margin
 * (DBNet is trained to grow its regions past the ink), so a rule on intersection over union (0.5) counted thin
 * lines found correctly as missed, more so on small pages. Precision, recall and their harmonic
 * mean ({@code hmean}, the primary value) are counted over all samples, with {@code boxIou}, the mean intersection
 * over union of the matched pairs (how tightly the found boxes fit). The candidate also gets
 * {@code maskIou}: the intersection over union of the two models' binarised maps, 1 when they mark the same
 * pixels as text.
 */
final class TextDetection implements TaskMetric {
    /** Least share of a known line's box that a detected box must cover for the line to count as found. */
    public static final double AREA_RECALL = 0.8;
    /** Least share of a detected box that must lie on the line it is matched to. */
    public static final double AREA_PRECISION = 0.4;

    private final String output;
    private final List<List<TextBox>> truth;
    private final TextRegions regions;

    /**
     * @param output  the probability-map output, {@code [N,1,H,W]}
     * @param truth   the line boxes of every sample, in delivery order, in the map's pixel coordinates
     * @param regions how boxes are read off a map
     */
    public TextDetection(String output, List<List<TextBox>> truth, TextRegions regions) {
        this.output = Objects.requireNonNull(output, "output");
        this.truth = truth.stream().map(List::copyOf).toList();
        this.regions = Objects.requireNonNull(regions, "regions");
    }

    /**
     * The probability-map output of a text detector: the model has one 3-channel float image input
     * {@code [N,3,H,W]} and a float output {@code [N,1,H,W]}.
     */
    public static Optional<TensorSpec> mapOutput(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        return OcrModelRole.of(inputs, outputs).filter(r -> r == OcrModelRole.TEXT_DETECTOR)
                .flatMap(r -> OcrModelRole.probabilityMap(outputs));
    }

    @Override
    public String name() {
        return TaskKind.DETECTION.reportedAs();
    }

    @Override
    public Tally start() {
        return new Tally() {
            private final Counts reference = new Counts();
            private final Counts candidate = new Counts();
            private long maskIntersection;
            private long maskUnion;
            private long samples;

            @Override
            public void add(Batch batch, long firstSample, Map<String, HostTensor> referenceOutputs,
                            Map<String, HostTensor> candidateOutputs) {
                HostTensor r = map(referenceOutputs, "reference", batch.size());
                HostTensor c = map(candidateOutputs, "candidate", batch.size());
                if (!Arrays.equals(r.shape(), c.shape())) {
                    throw new Trt4jException("output '" + output + "': the reference map is " + shape(r)
                            + " but the candidate's is " + shape(c));
                }
                int h = Math.toIntExact(r.shape()[2]);
                int w = Math.toIntExact(r.shape()[3]);
                int plane = h * w;
                float[] rm = r.floats();
                float[] cm = c.floats();
                for (int i = 0; i < batch.size(); i++) {
                    long sample = firstSample + i;
                    if (sample >= truth.size()) {
                        throw new Trt4jException("sample " + sample + " has no known line boxes (there are "
                                + truth.size() + " pages)");
                    }
                    List<TextBox> lines = truth.get((int) sample);
                    reference.add(lines, regions.find(rm, i * plane, h, w));
                    candidate.add(lines, regions.find(cm, i * plane, h, w));
                    for (int p = i * plane, end = p + plane; p < end; p++) {
                        boolean a = rm[p] > regions.threshold();
                        boolean b = cm[p] > regions.threshold();
                        maskIntersection += a && b ? 1 : 0;
                        maskUnion += a || b ? 1 : 0;
                    }
                }
                samples += batch.size();
            }

            @Override
            public TaskResult result() {
                Map<String, Double> ref = reference.values();
                ref.put("maskIou", 1.0);
                Map<String, Double> cand = candidate.values();
                cand.put("maskIou", maskUnion == 0 ? 1.0 : (double) maskIntersection / maskUnion);
                return new TaskResult(name(), "hmean", true, samples, ref, cand);
            }
        };
    }

    /** Matches, detections and known lines, summed over samples. */
    private static final class Counts {
        private long matched;
        private long detected;
        private long known;
        private double matchedIou;

        void add(List<TextBox> lines, List<TextBox> found) {
            double[] ious = matches(lines, found);
            matched += ious.length;
            for (double iou : ious) {
                matchedIou += iou;
            }
            detected += found.size();
            known += lines.size();
        }

        Map<String, Double> values() {
            double precision = detected == 0 ? 0 : (double) matched / detected;
            double recall = known == 0 ? 0 : (double) matched / known;
            double hmean = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            Map<String, Double> v = new LinkedHashMap<>();
            v.put("hmean", hmean);
            v.put("precision", precision);
            v.put("recall", recall);
            v.put("boxIou", matched == 0 ? 0 : matchedIou / matched);
            return v;
        }
    }

    /**
     * The intersection over union of each one-to-one match under the area rule ({@link #AREA_RECALL},
     * {@link #AREA_PRECISION}), the pairs of highest IoU taken first.
     */
    static double[] matches(List<TextBox> lines, List<TextBox> found) {
        record Pair(int line, int box, double iou) {
        }
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            for (int j = 0; j < found.size(); j++) {
                TextBox line = lines.get(i);
                TextBox box = found.get(j);
                long shared = line.intersection(box);
                if (shared >= AREA_RECALL * line.area() && shared >= AREA_PRECISION * box.area()) {
                    pairs.add(new Pair(i, j, line.iou(box)));
                }
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::iou).reversed());
        boolean[] lineUsed = new boolean[lines.size()];
        boolean[] boxUsed = new boolean[found.size()];
        double[] ious = new double[Math.min(lines.size(), found.size())];
        int n = 0;
        for (Pair p : pairs) {
            if (!lineUsed[p.line()] && !boxUsed[p.box()]) {
                lineUsed[p.line()] = true;
                boxUsed[p.box()] = true;
                ious[n++] = p.iou();
            }
        }
        return Arrays.copyOf(ious, n);
    }

    private HostTensor map(Map<String, HostTensor> outputs, String model, int batchSize) {
        HostTensor t = outputs.get(output);
        if (t == null) {
            throw new Trt4jException("the " + model + " model has no output '" + output + "' to find text in");
        }
        long[] s = t.shape();
        if (s.length != 4 || s[0] != batchSize || s[1] != 1) {
            throw new Trt4jException("output '" + output + "' of the " + model + " model has shape " + shape(t)
                    + "; a text detector's map is [N,1,H,W]");
        }
        return t;
    }

    private static String shape(HostTensor t) {
        return Arrays.toString(t.shape()).replace(" ", "");
    }

    @Override
    public String toString() {
        return "text detection in '" + output + "' against " + truth.stream().mapToInt(List::size).sum()
                + " line boxes on " + truth.size() + " pages";
    }
}
