package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.text.RenderedTextLineSource;
import dev.trt4j.tensor.HostTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Top-1 accuracy of a classifier output {@code [N, classes]} against known class indices. */
final class ClassificationAccuracy implements TaskMetric {
    private final String output;
    private final List<Integer> labels;

    /**
     * @param output the output holding the class scores, {@code [N, classes]}
     * @param labels the class index of every sample, in delivery order
     */
    public ClassificationAccuracy(String output, List<Integer> labels) {
        this.output = Objects.requireNonNull(output, "output");
        this.labels = List.copyOf(labels);
    }

    /**
     * Accuracy of a text-direction classifier such as PP-OCR's: angle {@link RenderedTextLineSource#UPRIGHT} is
     * class 0, {@link RenderedTextLineSource#UPSIDE_DOWN} class 1.
     */
    public static ClassificationAccuracy ofTextDirection(String output, List<Integer> angles) {
        List<Integer> classes = new ArrayList<>(angles.size());
        for (int angle : angles) {
            if (angle != RenderedTextLineSource.UPRIGHT && angle != RenderedTextLineSource.UPSIDE_DOWN) {
                throw new IllegalArgumentException("angle " + angle + " is neither 0 nor 180");
            }
            classes.add(angle == RenderedTextLineSource.UPRIGHT ? 0 : 1);
        }
        return new ClassificationAccuracy(output, classes);
    }

    @Override
    public String name() {
        return TaskKind.CLASSIFICATION.reportedAs();
    }

    @Override
    public Tally start() {
        return new Tally() {
            private long samples;
            private long referenceCorrect;
            private long candidateCorrect;

            @Override
            public void add(Batch batch, long firstSample, Map<String, HostTensor> reference,
                            Map<String, HostTensor> candidate) {
                float[] r = scores(reference, "reference", batch.size());
                float[] c = scores(candidate, "candidate", batch.size());
                int classes = r.length / batch.size();
                for (int i = 0; i < batch.size(); i++) {
                    long sample = firstSample + i;
                    if (sample >= labels.size()) {
                        throw new Trt4jException("sample " + sample + " has no label (there are " + labels.size()
                                + ")");
                    }
                    int label = labels.get((int) sample);
                    referenceCorrect += OutputComparator.argmax(r, i * classes, classes) == label ? 1 : 0;
                    candidateCorrect += OutputComparator.argmax(c, i * classes, classes) == label ? 1 : 0;
                }
                samples += batch.size();
            }

            @Override
            public TaskResult result() {
                return new TaskResult(name(), "accuracy", true, samples,
                        Map.of("accuracy", fraction(referenceCorrect)), Map.of("accuracy", fraction(candidateCorrect)));
            }

            private double fraction(long correct) {
                return samples == 0 ? 0 : (double) correct / samples;
            }
        };
    }

    private float[] scores(Map<String, HostTensor> outputs, String model, int batchSize) {
        HostTensor t = outputs.get(output);
        if (t == null) {
            throw new Trt4jException("the " + model + " model has no output '" + output + "' to classify with");
        }
        long[] shape = t.shape();
        if (shape.length != 2 || shape[0] != batchSize || shape[1] < 2) {
            throw new Trt4jException("output '" + output + "' of the " + model + " model has shape "
                    + Arrays.toString(shape).replace(" ", "") + "; a classifier output is [N,classes]");
        }
        return t.floats();
    }

    @Override
    public String toString() {
        Map<Integer, Long> counts = new LinkedHashMap<>();
        labels.forEach(l -> counts.merge(l, 1L, Long::sum));
        return "classification of '" + output + "' against " + labels.size() + " labels " + counts;
    }
}
