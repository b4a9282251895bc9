package dev.trt4j.evaluate;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How {@link EmbeddingCosine} turns a model's token vectors {@code [N, tokens, dims]} into one sentence vector, as
 * the model was trained to be read: sentence-transformers models such as all-MiniLM-L6-v2 and e5 average the real
 * tokens, BGE and other retrieval models take the first ({@code [CLS]}) token.
 */
public enum EmbeddingPooling {
    /** The mean over the tokens whose {@code attention_mask} is 1 (all tokens without such an input). */
    MEAN,
    /** The first token's vector. */
    CLS;

    /** {@return the name the command line takes: mean or cls} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@return the pooling named {@code label} (case-insensitive), if any} */
    public static Optional<EmbeddingPooling> find(String label) {
        return Arrays.stream(values()).filter(p -> p.label().equalsIgnoreCase(label.strip())).findFirst();
    }

    /** {@return every label, comma-separated} */
    public static String labels() {
        return Arrays.stream(values()).map(EmbeddingPooling::label).collect(Collectors.joining(", "));
    }
}
