package dev.trt4j.data.text;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.Batches;
import dev.trt4j.data.DataOptions;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextSourceTest {
    @TempDir
    Path dir;
    Path tokenizer;

    private static final TensorSpec IDS = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, null);
    private static final TensorSpec MASK = new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, -1},
            null);
    private static final TensorSpec TYPES = new TensorSpec("token_type_ids", ElementType.INT32, new long[] {-1, -1},
            null);

    /** A minimal word-level tokenizer: lower-cases, splits on whitespace/punctuation, adds no special tokens. */
    @BeforeEach
    void writeTokenizer() throws IOException {
        tokenizer = dir.resolve("tokenizer.json");
        try (InputStream in = getClass().getResourceAsStream("tiny-wordlevel-tokenizer.json")) {
            Files.copy(in, tokenizer);
        }
    }

    private Path sentences(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void tokenizesPadsAndTruncatesToTheSequenceLength() throws IOException {
        Path file = sentences("s.txt", "The cat sat on the mat.\n\n  the dog  \ncat\n");
        DataOptions o = DataOptions.builder().tokenizer(tokenizer).sequenceLength(6).batchSize(2).build();
        try (TextSource s = new TextSource(file, List.of(IDS, MASK, TYPES), o)) {
            assertThat(s.sampleCount()).contains(3L);
            List<Batch> batches = Batches.drain(s);
            assertThat(batches).extracting(Batch::size).containsExactly(2, 1);
            Batch first = batches.get(0);
            assertThat(first.inputs().get("input_ids").shape()).containsExactly(2, 6);
            // "the cat sat on the mat ." is 7 tokens, truncated to 6; "the dog" has an unknown word, then padding
            assertThat(first.inputs().get("input_ids").longs()).containsExactly(2, 3, 4, 5, 2, 6, 2, 1, 0, 0, 0, 0);
            assertThat(first.inputs().get("attention_mask").longs()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
            assertThat(first.inputs().get("token_type_ids").type()).isEqualTo(ElementType.INT32);
            assertThat(first.inputs().get("token_type_ids").ints()).containsOnly(0);
            assertThat(batches.get(1).inputs().get("input_ids").longs()).containsExactly(3, 0, 0, 0, 0, 0);
        }
    }

    /**
     * Where the model masks padding and leaves the length open, every batch keeps the longest delivered sentence,
     * rounded up to 8 tokens: short sentences padded to 128 would make most of a pass's activations padding. One length
     * for all batches, so that ranges depend neither on the batch size nor on which sentences share a batch.
     */
    /**
     * An engine build's range pass feeds text at its calibration profile's shape; where that shape's length is
     * made a bound, the batches are cut as at an open length, and only there.
     */
    @Test
    void aFixedLengthMadeABoundIsCutAfterTheLongestSentence() throws IOException {
        Path file = sentences("s.txt", "the cat sat\nthe cat sat on the mat . the cat sat\n");
        DataOptions.Builder profile = DataOptions.builder().tokenizer(tokenizer).fixedShape("input_ids", 2, 32)
                .fixedShape("attention_mask", 2, 32).fixedShape("token_type_ids", 2, 32);
        try (TextSource fixed = new TextSource(file, List.of(IDS, MASK, TYPES), profile.build());
             TextSource bound = new TextSource(file, List.of(IDS, MASK, TYPES),
                     profile.textLengthIsAtMost(true).build())) {
            assertThat(fixed.batchLength()).isEqualTo(32);
            assertThat(bound.batchLength()).isEqualTo(16);
            assertThat(bound.describe()).contains("16 tokens (the longest sentence's 10, rounded up to a multiple of "
                    + "8; at most 32)");
            assertThat(Batches.drain(bound).get(0).inputs().get("input_ids").shape()).containsExactly(2, 16);
        }
    }

    @Test
    void batchesOfAnOpenLengthAreCutAfterTheLongestSentence() throws IOException {
        // 3 and 10 tokens
        Path file = sentences("s.txt", "the cat sat\nthe cat sat on the mat . the cat sat\n");
        DataOptions one = DataOptions.builder().tokenizer(tokenizer).sequenceLength(32).batchSize(1).build();
        try (TextSource s = new TextSource(file, List.of(IDS, MASK, TYPES), one)) {
            assertThat(s.trimsPadding()).isTrue();
            assertThat(s.batchLength()).isEqualTo(16);
            assertThat(s.describe()).contains("16 tokens (the longest sentence's 10, rounded up to a multiple of 8; "
                    + "at most 32)");
            List<Batch> batches = Batches.drain(s);
            assertThat(batches.get(0).inputs().get("input_ids").longs()).containsExactly(2, 3, 4, 0, 0, 0, 0, 0, 0, 0,
                    0, 0, 0, 0, 0, 0);
            assertThat(batches.get(0).inputs().get("attention_mask").longs()).startsWith(1, 1, 1, 0);
            for (String input : List.of("input_ids", "attention_mask", "token_type_ids")) {
                assertThat(batches.get(0).inputs().get(input).shape()).as(input).containsExactly(1, 16);
                assertThat(batches.get(1).inputs().get(input).shape()).as(input).containsExactly(1, 16);
            }
        }
        DataOptions two = one.toBuilder().batchSize(2).build();
        try (TextSource s = new TextSource(file, List.of(IDS, MASK), two)) {
            Batch both = s.next().orElseThrow();
            assertThat(both.inputs().get("input_ids").shape()).containsExactly(2, 16);
            assertThat(both.inputs().get("input_ids").longs()).startsWith(2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    0, 2, 3, 4, 5, 2, 6, 7, 2, 3, 4, 0, 0, 0, 0, 0, 0);
        }
        // only the sentences delivered count: the first alone, or the second alone after one passed over
        try (TextSource first = new TextSource(file, List.of(IDS, MASK), one.toBuilder().maxSamples(1).build());
             TextSource second = new TextSource(file, List.of(IDS, MASK), one.toBuilder().skipSamples(1).build())) {
            assertThat(first.batchLength()).isEqualTo(8);
            assertThat(second.batchLength()).isEqualTo(16);
        }
        // the length held by a fixed shape, by the model, or where no mask hides the padding: every batch keeps it
        DataOptions fixed = two.toBuilder().sequenceLength(0).fixedShapes("input_ids:2x32,attention_mask:2x32").build();
        TensorSpec fixedIds = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, 32}, null);
        TensorSpec fixedMask = new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, 32}, null);
        for (TextSource s : List.of(new TextSource(file, List.of(IDS, MASK), fixed),
                new TextSource(file, List.of(fixedIds, fixedMask), two), new TextSource(file, List.of(IDS), two))) {
            try (s) {
                assertThat(s.trimsPadding()).isFalse();
                assertThat(s.describe()).doesNotContain("longest");
                assertThat(s.next().orElseThrow().inputs().get("input_ids").shape()).containsExactly(2, 32);
            }
        }
        // padding on the left leaves the last position real: nothing is cut, and the description says so
        Path left = dir.resolve("left.json");
        Files.writeString(left, Files.readString(tokenizer).replace("\"padding\": null", "\"padding\": {\"strategy\": "
                + "\"BatchLongest\", \"direction\": \"Left\", \"pad_to_multiple_of\": null, \"pad_id\": 0, "
                + "\"pad_type_id\": 0, \"pad_token\": \"[PAD]\"}"));
        try (TextSource s = new TextSource(file, List.of(IDS, MASK), two.toBuilder().tokenizer(left).build())) {
            assertThat(s.trimsPadding()).isFalse();
            assertThat(s.describe()).contains("32 tokens").doesNotContain("longest");
            Batch b = s.next().orElseThrow();
            assertThat(b.inputs().get("input_ids").shape()).containsExactly(2, 32);
            assertThat(b.inputs().get("attention_mask").longs()[31]).isEqualTo(1);
        }
    }

    /** The tokenizer library cuts at 512 tokens unless told the model's maximum; a longer --seq-len must hold. */
    @Test
    void sequenceLengthsPastTheLibraryDefaultOf512KeepEveryToken() throws IOException {
        DataOptions o = DataOptions.builder().tokenizer(tokenizer).sequenceLength(600).batchSize(1).build();
        try (TextSource s = new TextSource(List.of("cat ".repeat(700)), "long", List.of(IDS, MASK), o)) {
            Batch b = s.next().orElseThrow();
            assertThat(b.inputs().get("input_ids").longs()).hasSize(600).containsOnly(3);
            assertThat(b.inputs().get("attention_mask").longs()).containsOnly(1);
        }
    }

    /** A line far past the sequence length is cut before tokenizing, and its tokens are those of the whole line. */
    @Test
    void aLineCutForItsLengthKeepsTheTokensOfTheWholeLine() throws IOException {
        String line = "the cat sat on the mat ".repeat(2000) + "on"; // 46,002 characters, cut at 8,192
        DataOptions o = DataOptions.builder().tokenizer(tokenizer).sequenceLength(6).batchSize(1).build();
        try (TextSource s = new TextSource(List.of(line), "long", List.of(IDS), o)) {
            assertThat(s.next().orElseThrow().inputs().get("input_ids").longs()).containsExactly(2, 3, 4, 5, 2, 6);
        }
    }

    @Test
    void sequenceLengthComesFromTheFixedShapeAndOnlyPresentInputsAreFed() throws IOException {
        DataOptions o = DataOptions.builder().tokenizer(dir).fixedShapes("input_ids:1x3").build();
        try (TextSource s = new TextSource(List.of("mat on cat"), "inline", List.of(IDS), o)) {
            assertThat(s.sequenceLength()).isEqualTo(3);
            Batch b = s.next().orElseThrow();
            assertThat(b.inputs().keySet()).containsExactly("input_ids");
            assertThat(b.inputs().get("input_ids").longs()).containsExactly(6, 5, 3);
        }
    }

    @Test
    void errorsNameTheProblem() throws IOException {
        Path file = sentences("s.txt", "the cat");
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.defaults()))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage(file + ": text data needs a tokenizer (a tokenizer.json file, --tokenizer on the command "
                        + "line)");
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(missing).build()))
                .isInstanceOf(Trt4jException.class).hasMessage(missing + ": no such tokenizer file");
        TensorSpec fixed = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, 128}, null);
        assertThatThrownBy(() -> new TextSource(file, List.of(fixed), DataOptions.builder().tokenizer(tokenizer)
                .sequenceLength(64).build())).isInstanceOf(InvalidOptionException.class)
                .hasMessage(file + ": --seq-len 64 does not fit model input 'input_ids' [?,128], whose length is fixed; "
                        + "drop --seq-len");
        TensorSpec sharedIds = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1},
                List.of("batch", "sequence"));
        TensorSpec sharedMask = new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, -1},
                List.of("batch", "sequence"));
        assertThatThrownBy(() -> new TextSource(file, List.of(sharedIds, sharedMask), DataOptions.builder()
                .tokenizer(tokenizer).fixedShapes("attention_mask:4x24").sequenceLength(16).build()))
                .isInstanceOf(InvalidOptionException.class).hasMessage(file + ": --seq-len 16 does not fit "
                        + "model input 'attention_mask' [batch,sequence] fed at [4,24] (by --shapes, or a build's "
                        + "calibration profile), which sets the length: drop --seq-len or give that length");
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS, MASK), DataOptions.builder().tokenizer(tokenizer)
                .fixedShapes("input_ids:1x8,attention_mask:1x6").build())).isInstanceOf(InvalidOptionException.class)
                .hasMessage(file + ": text inputs disagree on the sequence length: 8 vs 6 for 'attention_mask'");
        TensorSpec pixels = new TensorSpec("pixel_values", ElementType.FLOAT32, new long[] {-1, 3, 8, 8}, null);
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS, pixels), DataOptions.builder().tokenizer(tokenizer)
                .build())).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("model input 'pixel_values' is FLOAT32 [?,3,8,8]");
        Path blank = sentences("blank.txt", "\n  \n");
        assertThatThrownBy(() -> new TextSource(blank, List.of(IDS), DataOptions.builder().tokenizer(tokenizer)
                .build())).isInstanceOf(Trt4jException.class).hasMessage(blank + ": no sentences (every line is blank)");
        Path badJson = dir.resolve("bad.json");
        Files.writeString(badJson, "{ not json");
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(badJson).build()))
                .isInstanceOf(Trt4jException.class).hasMessage(badJson + ": not a tokenizer.json: not valid JSON (line 1)");
        Path unrelated = dir.resolve("unrelated.json");
        Files.writeString(unrelated, "{\"foo\": [1, 2, 3]}");
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(unrelated)
                .build())).isInstanceOf(Trt4jException.class)
                .hasMessage(unrelated + ": not a Hugging Face tokenizer.json (it has no \"model\" object)");
    }

    /** The native tokenizer library aborts the JVM on a word outside a vocabulary that lacks its unknown token. */
    @Test
    void aVocabularyWithoutItsUnknownTokenIsRefusedBeforeTheLibraryCanAbort() throws IOException {
        Path file = sentences("snowman.txt", "the \u2603 sat");
        Path noUnk = dir.resolve("no-unk.json");
        Files.writeString(noUnk, Files.readString(tokenizer).replace("\"[UNK]\": 1, ", ""));
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(noUnk).build()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(noUnk + ": the WordLevel vocabulary lacks its unknown token '[UNK]', so any word outside "
                        + "it would crash the tokenizer library; add it or use another file");
        Path empty = dir.resolve("empty-vocab.json");
        Files.writeString(empty, Files.readString(tokenizer).replaceAll("\"vocab\": \\{[^}]*}", "\"vocab\": {}"));
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(empty).build()))
                .hasMessage(empty + ": the WordLevel tokenizer has an empty vocabulary");
    }

    /** Lines of emoji or symbols alone tokenize to the same sample of unknown tokens, however many there are. */
    @Test
    void sentencesOfNoWordTheTokenizerKnowsAreNoText() throws IOException {
        // the test tokenizer's vocabulary is "the cat sat on the mat ." : emoji, symbols and "!!!" are unknown to it
        Path symbols = sentences("symbols.txt", "\uD83D\uDE00\uD83D\uDE00\n\u2605\u2605\n!!!");
        assertThatThrownBy(() -> new TextSource(symbols, List.of(IDS), DataOptions.builder().tokenizer(tokenizer)
                .build())).isInstanceOf(Trt4jException.class)
                .hasMessage(symbols + ": the tokenizer knows no word of any sentence (e.g. "
                        + "'\uD83D\uDE00\uD83D\uDE00'): every one becomes the same sample of unknown or no tokens; "
                        + "give text");
        // a symbol the vocabulary holds is text; beside real sentences unknown ones are kept (with a warning)
        Path known = sentences("known.txt", ".\n. .");
        try (TextSource source = new TextSource(known, List.of(IDS), DataOptions.builder().tokenizer(tokenizer)
                .batchSize(2).build())) {
            assertThat(source.sampleCount()).contains(2L);
        }
        Path mixed = sentences("mixed.txt", "the cat sat\n\uD83D\uDE00\n42");
        try (TextSource source = new TextSource(mixed, List.of(IDS), DataOptions.builder().tokenizer(tokenizer)
                .batchSize(3).build())) {
            assertThat(source.sampleCount()).contains(3L);
        }
    }

    /** A sequence its tokenizer's own tokens fill would make every sentence the same sample. */
    @Test
    void aSequenceLengthWithoutRoomForTextIsRefused() throws IOException {
        Path file = sentences("two.txt", "the cat sat\non the mat");
        Path bert = dir.resolve("bert-like.json");
        Files.writeString(bert, Files.readString(tokenizer).replace("\"post_processor\": null",
                "\"post_processor\": {\"type\": \"BertProcessing\", \"sep\": [\"[SEP]\", 9], \"cls\": [\"[CLS]\", 8]}")
                .replace("\".\": 7}", "\".\": 7, \"[CLS]\": 8, \"[SEP]\": 9}"));
        for (int length : new int[] {1, 2}) {
            assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(bert)
                    .sequenceLength(length).build())).isInstanceOf(InvalidOptionException.class)
                    .hasMessage(file + ": a sequence length of " + length + " leaves no room for text: the tokenizer's "
                            + "own tokens (" + (length == 1 ? "[CLS]" : "[CLS], [SEP]") + ") fill it, so every "
                            + "sentence would be the same sample; use a longer one (--seq-len, or --shapes)");
        }
        try (TextSource three = new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(bert)
                .sequenceLength(3).batchSize(2).build())) {
            assertThat(three.next().orElseThrow().inputs().get("input_ids").longs()).containsExactly(8, 2, 9, 8, 5, 9);
        }
        // without tokens of its own, one position holds text
        try (TextSource one = new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(tokenizer)
                .sequenceLength(1).batchSize(2).build())) {
            assertThat(one.next().orElseThrow().inputs().get("input_ids").longs()).containsExactly(2, 5);
        }
    }

    /** A Unigram model names its unknown piece by index: without one the library aborts the JVM on a new piece. */
    @Test
    void aUnigramTokenizerWithoutAnUnknownPieceIsRefusedBeforeTheLibraryCanAbort() throws IOException {
        Path file = sentences("oov.txt", "hello zzzqqq");
        String head = "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [], "
                + "\"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Metaspace\", \"replacement\": \"\u2581\", "
                + "\"prepend_scheme\": \"always\", \"split\": true}, \"post_processor\": null, \"decoder\": null, "
                + "\"model\": {\"type\": \"Unigram\", ";
        String vocab = "\"vocab\": [[\"<unk>\", 0.0], [\"\u2581hello\", -1.0], [\"\u2581\", -2.0]], "
                + "\"byte_fallback\": false}}";
        Path ok = Files.writeString(dir.resolve("unigram.json"), head + "\"unk_id\": 0, " + vocab);
        Path noUnk = Files.writeString(dir.resolve("unigram-no-unk.json"), head + "\"unk_id\": null, " + vocab);
        Path badUnk = Files.writeString(dir.resolve("unigram-bad-unk.json"), head + "\"unk_id\": 3, " + vocab);
        Path empty = Files.writeString(dir.resolve("unigram-empty.json"), head + "\"unk_id\": 0, \"vocab\": []}}");
        // byte fallback with every byte piece: the library still aborts without an unknown piece
        StringBuilder bytePieces = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            bytePieces.append(String.format(java.util.Locale.ROOT, ", [\"<0x%02X>\", -9.0]", b));
        }
        Path bytes = Files.writeString(dir.resolve("unigram-bytes.json"), head + "\"unk_id\": null, "
                + vocab.replace("-2.0]]", "-2.0]" + bytePieces + "]").replace("\"byte_fallback\": false",
                "\"byte_fallback\": true"));

        try (TextSource source = new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(ok)
                .sequenceLength(8).build())) {
            assertThat(source.next()).isPresent();
        }
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(noUnk).build()))
                .isInstanceOf(Trt4jException.class).hasMessage(noUnk + ": the Unigram tokenizer has no unk_id, so any "
                        + "piece outside its vocabulary would crash the tokenizer library; set unk_id to its unknown "
                        + "piece's index or use another file");
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(bytes).build()))
                .hasMessageStartingWith(bytes + ": the Unigram tokenizer has no unk_id");
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(badUnk).build()))
                .hasMessage(badUnk + ": the Unigram tokenizer's unk_id 3 is not an index of its 3-piece vocabulary");
        assertThatThrownBy(() -> new TextSource(file, List.of(IDS), DataOptions.builder().tokenizer(empty).build()))
                .hasMessage(empty + ": the Unigram tokenizer has an empty vocabulary");
    }

    /** Sentences longer than the sequence length are cut, and counted for the warning said on close. */
    @Test
    void sentencesCutAtTheSequenceLengthAreCounted() throws IOException {
        Path file = sentences("long.txt", "the cat sat on the mat the dog sat on the mat\nthe cat\ncat cat cat cat cat\n");
        DataOptions o = DataOptions.builder().tokenizer(tokenizer).sequenceLength(6).batchSize(3).build();
        try (TextSource s = new TextSource(file, List.of(IDS, MASK), o)) {
            Batches.drain(s);
            assertThat(s.sentencesCut()).isEqualTo(1);
        }
        DataOptions wide = DataOptions.builder().tokenizer(tokenizer).sequenceLength(32).batchSize(3).build();
        try (TextSource s = new TextSource(file, List.of(IDS, MASK), wide)) {
            Batches.drain(s);
            assertThat(s.sentencesCut()).isZero();
        }
    }

    /** A service using DJL itself must not find the properties that steer DJL's library changed by trt4j. */
    @Test
    void openingATokenizerLeavesTheSystemPropertiesAsTheyWere() throws IOException {
        String flavor = System.getProperty("RUST_FLAVOR");
        String offline = System.getProperty("ai.djl.offline");
        try {
            System.clearProperty("RUST_FLAVOR");
            System.clearProperty("ai.djl.offline");
            Path file = sentences("p.txt", "the cat\n");
            try (TextSource s = new TextSource(file, List.of(IDS, MASK),
                    DataOptions.builder().tokenizer(tokenizer).sequenceLength(4).batchSize(1).build())) {
                assertThat(Batches.drain(s)).hasSize(1);
            }
            assertThat(System.getProperty("RUST_FLAVOR")).isNull();
            assertThat(System.getProperty("ai.djl.offline")).isNull();
        } finally {
            restore("RUST_FLAVOR", flavor);
            restore("ai.djl.offline", offline);
        }
    }

    @Test
    void tokenizersUseTheBundledCpuLibraryUnlessTheUserChoseAFlavor() {
        String flavor = System.getProperty("RUST_FLAVOR");
        String offline = System.getProperty("ai.djl.offline");
        try {
            System.clearProperty("RUST_FLAVOR");
            System.setProperty("ai.djl.offline", "false");
            assertThat(TextSource.preferBundledCpuLibrary()).as("the properties set, to be cleared")
                    .isEqualTo(System.getenv("RUST_FLAVOR") == null ? List.of("RUST_FLAVOR") : List.of());
            // a RUST_FLAVOR in the environment is the user's choice too: then no property is set over it
            assertThat(System.getProperty("RUST_FLAVOR")).as("RUST_FLAVOR in the environment: %s",
                    System.getenv("RUST_FLAVOR")).isEqualTo(System.getenv("RUST_FLAVOR") == null ? "cpu" : null);
            assertThat(System.getProperty("ai.djl.offline")).as("the user's choice stays").isEqualTo("false");

            System.setProperty("RUST_FLAVOR", "cu124-linux");
            System.clearProperty("ai.djl.offline");
            TextSource.preferBundledCpuLibrary();
            assertThat(System.getProperty("RUST_FLAVOR")).as("the user's choice stays").isEqualTo("cu124-linux");
            assertThat(System.getProperty("ai.djl.offline")).as("never download unless told to")
                    .isEqualTo(System.getenv("ai.djl.offline") == null ? "true" : null);
        } finally {
            restore("RUST_FLAVOR", flavor);
            restore("ai.djl.offline", offline);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
