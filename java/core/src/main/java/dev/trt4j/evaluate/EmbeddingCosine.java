package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.ShapeText;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Cosine similarity of the sentence vectors of a reference and a candidate embedding model. Token outputs
 * {@code [N, tokens, dims]} are pooled as the model is read ({@link EmbeddingPooling}: by default the mean over the
 * tokens where the {@code attention_mask} input is 1, all tokens when there is no such input, as sentence-transformers
 * does for BERT-like models; or the first token) and L2-normalised; outputs that are already {@code [N, dims]} are
 * only normalised. Reports the mean and the minimum over samples.
 */
final class EmbeddingCosine implements TaskMetric {
    /** The input whose ones mark real tokens. */
    public static final String ATTENTION_MASK = TokenMask.INPUT;

    private final String output;
    private final EmbeddingPooling pooling;

    /** Mean pooling of {@code output}, e.g. {@code last_hidden_state}. */
    public EmbeddingCosine(String output) {
        this(output, EmbeddingPooling.MEAN);
    }

    /**
     * @param output  the token-embedding output, e.g. {@code last_hidden_state}
     * @param pooling how its token vectors become one sentence vector
     */
    public EmbeddingCosine(String output, EmbeddingPooling pooling) {
        this.output = Objects.requireNonNull(output, "output");
        this.pooling = Objects.requireNonNull(pooling, "pooling");
    }

    @Override
    public String name() {
        return TaskKind.EMBEDDING.reportedAs();
    }

    @Override
    public Tally start() {
        return new Tally() {
            private long samples;
            private double sum;
            private double min = Double.POSITIVE_INFINITY;

            @Override
            public void add(Batch batch, long firstSample, Map<String, HostTensor> reference,
                            Map<String, HostTensor> candidate) {
                float[][] r = sentenceVectors(batch, tensor(reference, "reference"));
                float[][] c = sentenceVectors(batch, tensor(candidate, "candidate"));
                for (int i = 0; i < r.length; i++) {
                    double cos = cosine(r[i], c[i]);
                    sum += cos;
                    min = Math.min(min, cos);
                }
                samples += r.length;
            }

            @Override
            public TaskResult result() {
                Map<String, Double> self = new LinkedHashMap<>();
                self.put("meanCosine", 1.0);
                self.put("minCosine", 1.0);
                Map<String, Double> values = new LinkedHashMap<>();
                values.put("meanCosine", samples == 0 ? 0 : sum / samples);
                values.put("minCosine", samples == 0 ? 0 : min);
                return new TaskResult(name(), "meanCosine", true, samples, self, values);
            }
        };
    }

    private HostTensor tensor(Map<String, HostTensor> outputs, String model) {
        HostTensor t = outputs.get(output);
        if (t == null) {
            throw new Trt4jException("the " + model + " model has no output '" + output + "' to pool");
        }
        return t;
    }

    /**
     * The L2-normalised sentence vector of every sample of {@code batch} from {@code embeddings}
     * ({@code [N, tokens, dims]} or {@code [N, dims]}).
     *
     * @throws Trt4jException if the output is neither shape, or the attention mask does not fit it
     */
    float[][] sentenceVectors(Batch batch, HostTensor embeddings) {
        long[] shape = embeddings.shape();
        float[] values = embeddings.floats();
        if (shape.length == 2) {
            int dims = (int) shape[1];
            float[][] out = new float[(int) shape[0]][];
            for (int i = 0; i < out.length; i++) {
                out[i] = normalised(Arrays.copyOfRange(values, i * dims, (i + 1) * dims));
            }
            return out;
        }
        if (shape.length != 3) {
            throw new Trt4jException("output '" + output + "' has shape " + Arrays.toString(shape).replace(" ", "")
                    + "; embeddings are [N,tokens,dims] or [N,dims]");
        }
        int n = (int) shape[0];
        int tokens = (int) shape[1];
        int dims = (int) shape[2];
        if (pooling == EmbeddingPooling.CLS) {
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                int base = i * tokens * dims;
                out[i] = normalised(Arrays.copyOfRange(values, base, base + dims));
            }
            return out;
        }
        TokenMask mask = mask(batch, n, tokens);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            double[] pooled = new double[dims];
            long count = 0;
            for (int t = 0; t < tokens; t++) {
                if (mask != null && !mask.keeps(i, t)) {
                    continue;
                }
                count++;
                int base = (i * tokens + t) * dims;
                for (int d = 0; d < dims; d++) {
                    pooled[d] += values[base + d];
                }
            }
            float[] v = new float[dims];
            for (int d = 0; d < dims; d++) {
                v[d] = count == 0 ? 0 : (float) (pooled[d] / count);
            }
            out[i] = normalised(v);
        }
        return out;
    }

    /** Which of the {@code n × tokens} positions are real tokens: all where the batch feeds no mask. */
    private TokenMask mask(Batch batch, int n, int tokens) {
        HostTensor given = batch.inputs().get(ATTENTION_MASK);
        if (given == null) {
            return null;
        }
        TokenMask m = TokenMask.of(batch).orElse(null);
        if (m == null || m.rows() != n || m.tokens() != tokens) {
            throw new Trt4jException("input '" + ATTENTION_MASK + "' has shape " + ShapeText.of(given.shape())
                    + " but output '" + output + "' has " + n + " samples of " + tokens + " tokens");
        }
        return m;
    }

    private static float[] normalised(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
        return v;
    }

    /** Cosine of two normalised vectors; 1 when both are zero (e.g. no tokens), 0 when one is. */
    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        if (na == 0 && nb == 0) {
            return 1;
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    @Override
    public String toString() {
        return "embedding cosine of '" + output + "'" + (pooling == EmbeddingPooling.CLS ? " (first token)" : "");
    }
}
