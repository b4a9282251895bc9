package dev.trt4j.data.text;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a Hugging Face {@code tokenizer.json} before the native tokenizer library sees it. That library (Rust,
 * through DJL) aborts the whole JVM when a WordPiece, WordLevel or BPE vocabulary lacks the unknown token it names,
 * or a Unigram model has no unknown piece, and a word outside the vocabulary comes along; a JSON file that is not a tokenizer gets a parser message that
 * reads like a syntax error. Both become one line naming the file here.
 */
final class TokenizerFileCheck {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TokenizerFileCheck() {
    }

    /**
     * What the file says that trt4j uses.
     *
     * @param unknownToken     what a word outside the vocabulary becomes; null where the model has none or is of a
     *                         kind this check does not read
     * @param truncationLength the {@code truncation.max_length} the file sets, 0 where it sets none (trt4j cuts at
     *                         the model's sequence length, which may differ)
     */
    record Facts(String unknownToken, int truncationLength) {
    }

    /**
     * @param tokenizer a tokenizer.json, or a folder holding one (as DJL takes it)
     * @return the model's unknown token (null where it has none, as a byte-level BPE, or is of a kind this check does
     *         not read) and the file's truncation length
     * @throws Trt4jException naming the file if it is not a tokenizer.json the library can use safely
     */
    static Facts check(Path tokenizer) {
        Path path = Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
        if (!Files.isRegularFile(path)) {
            return new Facts(null, 0); // DJL reports a folder without one in its own words
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(path.toFile());
        } catch (JacksonException e) {
            throw new Trt4jException(path + ": not a tokenizer.json: not valid JSON (line "
                    + e.getLocation().getLineNr() + ")", e);
        } catch (IOException e) {
            throw ReadFailure.of(path, e);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !model.isObject()) {
            throw new Trt4jException(path + ": not a Hugging Face tokenizer.json (it has no \"model\" object)");
        }
        JsonNode maxLength = root.path("truncation").path("max_length");
        int truncation = maxLength.canConvertToInt() && maxLength.asInt() > 0 ? maxLength.asInt() : 0;
        return new Facts(unknownToken(path, model), truncation);
    }

    private static String unknownToken(Path path, JsonNode model) {
        String type = model.path("type").asText("");
        JsonNode vocab = model.get("vocab");
        if (type.isEmpty() && vocab != null && vocab.isObject()) {
            // files written before "type" was added: WordPiece has continuing_subword_prefix, BPE has merges
            type = model.has("merges") ? "BPE" : model.has("continuing_subword_prefix") ? "WordPiece" : "";
        }
        if (type.equals("Unigram")) {
            return checkUnigram(path, model, vocab);
        }
        if (!type.equals("WordPiece") && !type.equals("WordLevel") && !type.equals("BPE")) {
            return null; // other models are left to the library
        }
        if (vocab == null || !vocab.isObject() || vocab.isEmpty()) {
            throw new Trt4jException(path + ": the " + type + " tokenizer has an empty vocabulary");
        }
        // Hugging Face's defaults when the field is absent; BPE without one (byte-level) needs none.
        String unk = model.hasNonNull("unk_token") ? model.get("unk_token").asText()
                : type.equals("WordPiece") ? "[UNK]" : type.equals("WordLevel") ? "<unk>" : null;
        if (unk != null && !vocab.has(unk)) {
            throw new Trt4jException(path + ": the " + type + " vocabulary lacks its unknown token '" + unk
                    + "', so any word outside it would crash the tokenizer library; add it or use another file");
        }
        return unk;
    }

    /**
     * A Unigram model names its unknown piece by index ({@code unk_id}); without one, a piece outside the vocabulary
     * makes the library abort the JVM, byte fallback or not.
     */
    private static String checkUnigram(Path path, JsonNode model, JsonNode vocab) {
        if (vocab == null || !vocab.isArray() || vocab.isEmpty()) {
            throw new Trt4jException(path + ": the Unigram tokenizer has an empty vocabulary");
        }
        JsonNode unkId = model.get("unk_id");
        if (unkId != null && !unkId.isNull()) {
            if (!unkId.canConvertToInt() || !unkId.isIntegralNumber() || unkId.asInt() < 0
                    || unkId.asInt() >= vocab.size()) {
                throw new Trt4jException(path + ": the Unigram tokenizer's unk_id " + unkId + " is not an index of its "
                        + vocab.size() + "-piece vocabulary");
            }
            JsonNode piece = vocab.get(unkId.asInt());
            return piece.isArray() && !piece.isEmpty() ? piece.get(0).asText() : null;
        }
        // byte fallback does not spare it: the library still asks for the unknown piece and aborts (seen in review)
        throw new Trt4jException(path + ": the Unigram tokenizer has no unk_id, so any piece outside its vocabulary "
                + "would crash the tokenizer library; set unk_id to its unknown piece's index or use another file");
    }
}
