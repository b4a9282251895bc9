package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.tensor.HostTensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Text recognition quality of a CTC recognizer such as PP-OCR's: each sample's output {@code [N, steps, classes]}
 * is decoded greedily and compared with the known text, for the reference and for the candidate model. Reports
 * the exact-match rate (primary) and the character error rate: total edit distance over total characters of the
 * known texts. Leading and trailing spaces are ignored on both sides.
 */
final class CtcTextRecognition implements TaskMetric {
    private final String output;
    private final CtcGreedyDecoder decoder;
    private final List<String> texts;

    /**
     * @param output  the recognizer's class-score output
     * @param decoder decodes it
     * @param texts   the known text of every sample, in delivery order
     */
    public CtcTextRecognition(String output, CtcGreedyDecoder decoder, List<String> texts) {
        this.output = Objects.requireNonNull(output, "output");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.texts = List.copyOf(texts);
    }

    @Override
    public String name() {
        return TaskKind.CTC.reportedAs();
    }

    @Override
    public Tally start() {
        return new Tally() {
            private final Score reference = new Score();
            private final Score candidate = new Score();
            private long samples;

            @Override
            public void add(Batch batch, long firstSample, Map<String, HostTensor> referenceOutputs,
                            Map<String, HostTensor> candidateOutputs) {
                List<String> truth = truth(firstSample, batch.size());
                reference.add(decode(referenceOutputs, "reference", batch.size()), truth);
                candidate.add(decode(candidateOutputs, "candidate", batch.size()), truth);
                samples += batch.size();
            }

            @Override
            public TaskResult result() {
                return new TaskResult(name(), "exactMatch", true, samples, reference.values(samples),
                        candidate.values(samples));
            }
        };
    }

    private List<String> truth(long first, int count) {
        if (first + count > texts.size()) {
            throw new Trt4jException("sample " + Math.max(first, texts.size()) + " has no known text (there are "
                    + texts.size() + ")");
        }
        return texts.subList((int) first, (int) first + count);
    }

    /** The decoded text of every sample of one batch. */
    List<String> decode(Map<String, HostTensor> outputs, String model, int batchSize) {
        HostTensor t = outputs.get(output);
        if (t == null) {
            throw new Trt4jException("the " + model + " model has no output '" + output + "' to decode");
        }
        long[] shape = t.shape();
        if (shape.length != 3 || shape[0] != batchSize) {
            throw new Trt4jException("output '" + output + "' of the " + model + " model has shape "
                    + Arrays.toString(shape).replace(" ", "") + "; a CTC output is [N,steps,classes]");
        }
        int steps = (int) shape[1];
        int classes = (int) shape[2];
        String[] decoded = new String[batchSize];
        for (int i = 0; i < batchSize; i++) {
            decoded[i] = decoder.decode(t.floats(), i * steps * classes, steps, classes);
        }
        return Arrays.asList(decoded);
    }

    /** Running counts of one model. */
    private static final class Score {
        private long exact;
        private long edits;
        private long characters;

        void add(List<String> decoded, List<String> truth) {
            for (int i = 0; i < truth.size(); i++) {
                String expected = truth.get(i).strip();
                String actual = decoded.get(i).strip();
                exact += expected.equals(actual) ? 1 : 0;
                edits += EditDistance.between(expected, actual);
                characters += expected.codePointCount(0, expected.length());
            }
        }

        Map<String, Double> values(long samples) {
            Map<String, Double> v = new LinkedHashMap<>();
            v.put("exactMatch", samples == 0 ? 0 : (double) exact / samples);
            v.put("characterErrorRate", characters == 0 ? 0 : (double) edits / characters);
            return v;
        }
    }

    @Override
    public String toString() {
        return "CTC text recognition of '" + output + "' against " + texts.size() + " texts";
    }
}
