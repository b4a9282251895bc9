package dev.trt4j.data.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.BatchingSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataWarnings;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.ShapeText;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sentences tokenized for a transformer model with a Hugging Face {@code tokenizer.json} (read offline by DJL's
 * tokenizers library), padded or truncated to one sequence length. Feeds whichever of {@code input_ids},
 * {@code attention_mask} and {@code token_type_ids} the model has, as int64 (or int32) {@code [batch, length]}.
 * Where the model masks padding and leaves the length open (neither its inputs nor a fixed shape set it), every batch
 * is cut after the longest sentence the source delivers, rounded up to a multiple of {@link #LENGTH_STEP}
 * ({@link #trimsPadding()}).
 * Close it to free the native tokenizer.
 */
public final class TextSource extends BatchingSource {
    private static final Logger LOG = LoggerFactory.getLogger(TextSource.class);
    /** The model input names this source can fill. */
    public static final Set<String> INPUT_NAMES = Set.of("input_ids", "attention_mask", "token_type_ids");

    /** {@return whether a model with {@code inputs} reads token ids: a text model, as this project recognises one} */
    public static boolean readsTokenIds(List<TensorSpec> inputs) {
        return inputs.stream().anyMatch(in -> in.name().equals("input_ids"));
    }

    /** A cut length is a multiple of this many tokens, as shapes of tokenized text often are. */
    public static final int LENGTH_STEP = 8;

    private final String name;
    private final List<String> sentences;
    private final List<TensorSpec> inputs;
    private final int sequenceLength;
    /** Tokens in every batch: {@link #sequenceLength}, or less where {@link #trimsPadding()}. */
    private final int batchLength;
    /** Real tokens of the longest sentence delivered, where the length is free; else {@link #sequenceLength}. */
    private final int longestSentence;
    private final HuggingFaceTokenizer tokenizer;
    /** The sentences read so far that the tokenizer cut at the sequence length, by index: said once, on close. */
    private final java.util.BitSet cut = new java.util.BitSet();
    /** What a word outside the vocabulary becomes ({@code [UNK]}), or null where the tokenizer file does not say. */
    private final String unknownToken;

    /**
     * Tokenizes the sentences of a {@code .txt} file or folder with {@code options.tokenizer()}.
     *
     * @throws Trt4jException if there is no tokenizer, a model input is not one of {@link #INPUT_NAMES}, or the
     *                        sequence length does not fit the inputs
     */
    public TextSource(Path sentenceFileOrFolder, List<TensorSpec> modelInputs, DataOptions options) {
        this(SentenceFiles.read(sentenceFileOrFolder), sentenceFileOrFolder.toString(), modelInputs, options);
    }

    /**
     * Tokenizes the given sentences with {@code options.tokenizer()}; {@code name} names them in messages.
     */
    public TextSource(List<String> sentences, String name, List<TensorSpec> modelInputs, DataOptions options) {
        this(sentences, name, new ShapeResolver(name, modelInputs, options), options);
    }

    private TextSource(List<String> sentences, String name, ShapeResolver shapes, DataOptions options) {
        super(shapes, sentences.size(), plan(shapes, sentences.size(), options), options);
        this.name = name;
        this.inputs = shapes.inputs();
        this.sequenceLength = sequenceLength(shapes, options);
        // every text this source tokenizes (a file, the bundled sentences, bench's --inputs) passes here
        this.sentences = List.copyOf(cutLongLines(sentences));
        TokenizerFileCheck.Facts tokenizerFacts = checkedTokenizer(name, options.tokenizer());
        this.unknownToken = tokenizerFacts.unknownToken();
        noteTruncationOverridden(tokenizerFacts.truncationLength(), shapes.inputs(), options);
        this.tokenizer = openTokenizer(options.tokenizer(), sequenceLength);
        requireRoomForText();
        requireWords();
        try {
            this.longestSentence = lengthIsFree(shapes.inputs(), options)
                    ? longestDelivered(options.skipSamples(), sampleCount().orElseThrow()) : sequenceLength;
            int rounded = (longestSentence + LENGTH_STEP - 1) / LENGTH_STEP * LENGTH_STEP;
            this.batchLength = Math.min(rounded, sequenceLength);
        } catch (RuntimeException e) {
            tokenizer.close(); // no source to close: the native tokenizer would outlive the failed constructor
            throw e;
        }
    }

    /** The sentences, those far longer than the sequence length's tokens cut ({@link LongLines}), said in a warning. */
    private List<String> cutLongLines(List<String> lines) {
        LongLines.Result r = LongLines.cut(lines, sequenceLength);
        if (r.cut() > 0) {
            DataWarnings.warn(LOG, ControlCharacters.escape(name) + ": " + Counts.of(r.cut(), "line") + " longer than "
                    + r.bound() + " characters cut to that before tokenizing (at a word's end where one is near): the "
                    + "first " + sequenceLength + " tokens lie well inside, and the tokenizer would read every "
                    + "character");
        }
        return r.lines();
    }

    /**
     * Names sentences that the tokenizer turns into nothing but its own tokens and its unknown token (emoji or symbols
     * outside a WordPiece vocabulary, control or combining characters alone): each is the same sample, which would be
     * counted as so many. All of them: refused, as no text at all. Only lines without a letter or digit are
     * tokenized for this; a byte-level tokenizer knows every character, so it finds none.
     */
    private void requireWords() {
        List<String> candidates = sentences.stream()
                .filter(t -> t.codePoints().noneMatch(Character::isLetterOrDigit)).toList();
        if (candidates.isEmpty()) {
            return;
        }
        List<String> wordless = candidates.stream().filter(t -> onlyOwnOrUnknown(tokenizer.encode(t), unknownToken))
                .toList();
        if (wordless.isEmpty()) {
            return;
        }
        String first = wordless.get(0);
        String example = "'" + ControlCharacters.escape(first.length() > 40 ? first.substring(0, 40) : first)
                + (first.length() > 40 ? "…" : "") + "'"; // the ellipsis is trt4j's: not escaped as the text is
        if (wordless.size() == sentences.size()) {
            tokenizer.close();
            throw new Trt4jException(name + ": the tokenizer knows no word of any sentence (e.g. " + example + "): "
                    + "every one becomes the same sample of unknown or no tokens; give text");
        }
        DataWarnings.warn(LOG, name + ": the tokenizer knows no word of " + wordless.size() + " of "
                + Counts.of(sentences.size(), "sentence") + " (e.g. " + example + "); each becomes the same sample "
                + "of unknown or no tokens");
    }

    private static boolean onlyOwnOrUnknown(Encoding e, String unknown) {
        for (int i = 0; i < e.getTokens().length; i++) {
            if (e.getAttentionMask()[i] == 1 && e.getSpecialTokenMask()[i] == 0 && !e.getTokens()[i].equals(unknown)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses a sequence length that the tokenizer's own tokens fill ([CLS] and [SEP] for BERT): every sentence would
     * become the same sample, and calibration or evaluation would run on no text at all.
     */
    private void requireRoomForText() {
        Encoding empty = tokenizer.encode("");
        long[] mask = empty.getAttentionMask();
        if (java.util.Arrays.stream(mask).sum() >= sequenceLength) {
            tokenizer.close();
            String own = String.join(", ", java.util.Arrays.asList(empty.getTokens()).subList(0,
                    Math.min(empty.getTokens().length, sequenceLength)));
            throw new InvalidOptionException(name + ": a sequence length of " + sequenceLength + " leaves no room for "
                    + "text: the tokenizer's own tokens (" + own + ") fill it, so every sentence would be the same "
                    + "sample; use a longer one (--seq-len, or --shapes)");
        }
    }

    /** Where a fixed shape of text comes from, for messages: the shape, not --seq-len, sets the length there. */
    private static final String FIXED_SHAPE_ORIGIN = " (by --shapes, or a build's calibration profile), which sets "
            + "the length: drop --seq-len or give that length";

    private static int sequenceLength(ShapeResolver shapes, DataOptions options) {
        int wanted = options.sequenceLength() > 0 ? options.sequenceLength() : DataOptions.DEFAULT_SEQUENCE_LENGTH;
        if (options.sequenceLength() > 0) {
            // a fixed shape of any text input settles the length of all: name that one, not the input it reached
            for (TensorSpec in : shapes.inputs()) {
                long[] fixed = options.fixedShape(in.name());
                if (INPUT_NAMES.contains(in.name()) && fixed != null && fixed.length == 2
                        && fixed[1] != options.sequenceLength()) {
                    throw new InvalidOptionException(shapes.source() + ": --seq-len " + options.sequenceLength()
                            + " does not fit model input '" + in.name() + "' " + in.shapeText() + " fed at "
                            + ShapeText.of(fixed) + FIXED_SHAPE_ORIGIN);
                }
            }
        }
        long length = -1;
        for (TensorSpec in : shapes.inputs()) {
            if (!INPUT_NAMES.contains(in.name()) || in.type() == ElementType.FLOAT32 || in.rank() != 2) {
                throw new Trt4jException(shapes.source() + ": text data fills int64 [batch, length] inputs named "
                        + "input_ids, attention_mask, token_type_ids; model input '" + in.name() + "' is " + in.type()
                        + " " + in.shapeText());
            }
            long l = shapes.batchShape(in, new long[] {0, wanted})[1];
            if (options.sequenceLength() > 0 && l != options.sequenceLength()) {
                // --seq-len against --shapes or the model: the command line contradicts itself, no file is at fault
                throw new InvalidOptionException(shapes.source() + ": --seq-len " + options.sequenceLength()
                        + " does not fit model input '" + in.name() + "' " + in.shapeText()
                        + (options.fixedShape(in.name()) == null ? ", whose length is fixed; drop --seq-len"
                        : " fed at " + ShapeText.of(options.fixedShape(in.name())) + FIXED_SHAPE_ORIGIN));
            }
            if (length >= 0 && l != length) {
                throw new InvalidOptionException(shapes.source() + ": text inputs disagree on the sequence length: " + length
                        + " vs " + l + " for '" + in.name() + "'");
            }
            length = l;
        }
        if (!readsTokenIds(shapes.inputs())) {
            throw new Trt4jException(shapes.source() + ": the model has no input_ids input for text data");
        }
        return Math.toIntExact(length);
    }

    /**
     * Warns where the tokenizer.json truncates shorter than the length the text is read at, and nothing but
     * trt4j's default chose that length: the file's own max_length is not what trt4j cuts at (README: the model's
     * length, else --seq-len, else 128), and a user who set it would see longer sentences than asked for.
     */
    private void noteTruncationOverridden(int truncation, List<TensorSpec> modelInputs, DataOptions options) {
        boolean byDefault = options.sequenceLength() == 0 && modelInputs.stream().filter(in -> INPUT_NAMES.contains(
                in.name())).allMatch(in -> options.fixedShape(in.name()) == null && in.dims()[1] < 0);
        if (byDefault && truncation > 0 && truncation < sequenceLength) {
            DataWarnings.warn(LOG, options.tokenizer() + ": the tokenizer truncates at " + truncation + " tokens, "
                    + "but text is read at up to " + sequenceLength + " (trt4j's default length): give --seq-len "
                    + truncation + " to cut it there");
        }
    }

    /**
     * Checks the tokenizer file before the library reads it ({@link TokenizerFileCheck}) and returns what it says
     * that trt4j uses.
     */
    private static TokenizerFileCheck.Facts checkedTokenizer(String name, Path path) {
        if (path == null) {
            throw new InvalidOptionException(name + ": text data needs a tokenizer (a tokenizer.json file, --tokenizer on the "
                    + "command line)");
        }
        if (!Files.exists(path)) {
            throw new Trt4jException(path + ": no such tokenizer file");
        }
        return TokenizerFileCheck.check(path);
    }

    // one at a time: another thread must not load DJL's library between the properties' setting and clearing
    private static synchronized HuggingFaceTokenizer openTokenizer(Path path, int length) {
        List<String> set = preferBundledCpuLibrary();
        try {
            HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder();
            // DJL caps the length at a model maximum of 512 unless told otherwise, warns on stderr, and returns
            // 512 tokens that readBatch would pad with masked zeros; the sequence length is the model's to settle.
            builder.configure(Map.of("modelMaxLength", length));
            return builder.optTokenizerPath(path).optMaxLength(length).optPadToMaxLength().optTruncation(true).build();
        } catch (IOException | RuntimeException e) {
            throw new Trt4jException(path + ": cannot load tokenizer: " + e.getMessage(), e);
        } finally {
            // DJL reads them when it loads its library, on the first tokenizer: a service using DJL itself (a model
            // zoo's downloads, a GPU flavour) must not find them changed afterwards
            set.forEach(System::clearProperty);
        }
    }

    /**
     * DJL picks a CUDA build of its tokenizer library when it sees a GPU and downloads it, so on a GPU machine
     * without network access (seen on an H200) no tokenizer loads. Tokenizing gains nothing from the GPU: unless
     * the user chose otherwise, use the CPU library the jar bundles and never download.
     *
     * @return the system properties set, which the caller clears once the tokenizer is loaded
     */
    static List<String> preferBundledCpuLibrary() {
        List<String> set = new ArrayList<>();
        setUnlessGiven("RUST_FLAVOR", "cpu", set);
        setUnlessGiven("ai.djl.offline", "true", set);
        return set;
    }

    /** Sets {@code key} unless the user gave it, and adds it to {@code set} if so. */
    private static void setUnlessGiven(String key, String value, List<String> set) {
        if (System.getenv(key) == null && System.getProperty(key) == null) {
            System.setProperty(key, value);
            set.add(key);
        }
    }

    /** Tokens a sentence is cut or padded to; batches may be shorter where {@link #trimsPadding()}. */
    public int sequenceLength() {
        return sequenceLength;
    }

    /** Tokens in every batch this source delivers. */
    public int batchLength() {
        return batchLength;
    }

    /**
     * Whether batches are cut after the longest sentence the source delivers: padding that the attention mask hides
     * moves the real tokens' values only in their last bits (the masked keys weigh 0), yet where short sentences are
     * padded to 128 tokens most of a pass's activations would be those of padding, shaping the calibration ranges and
     * costing time. One length for every batch, so that the ranges depend neither on {@code --batch} nor on which
     * sentences share a batch. Only where the model takes {@code attention_mask} and the length is free (fixed by
     * neither the model's inputs nor a fixed shape such as a calibration profile or {@code --shapes}, unless
     * {@link DataOptions#textLengthIsAtMost()} makes that shape's length a bound), and where the tokenizer pads on
     * the right: left padding leaves the last position real, and nothing is cut.
     */
    public boolean trimsPadding() {
        return batchLength < sequenceLength;
    }

    private static boolean lengthIsFree(List<TensorSpec> inputs, DataOptions options) {
        if (inputs.stream().noneMatch(in -> in.name().equals("attention_mask"))) {
            return false;
        }
        for (TensorSpec in : inputs) {
            if ((options.fixedShape(in.name()) != null && !options.textLengthIsAtMost()) || in.dims()[1] >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Up to the last position that the attention mask of any sentence to be delivered marks as real, at most the
     * sequence length: what every batch keeps, once rounded up to a multiple of {@link #LENGTH_STEP}. Tokenizes
     * those sentences once more, in chunks.
     */
    private int longestDelivered(long skip, long count) {
        final int chunk = 256;
        int used = 1;
        for (long first = skip; first < skip + count && used < sequenceLength; first += chunk) {
            int n = (int) Math.min(chunk, skip + count - first);
            for (Encoding e : tokenizer.batchEncode(sentences.subList((int) first, (int) first + n))) {
                long[] mask = e.getAttentionMask();
                for (int i = Math.min(mask.length, sequenceLength) - 1; i >= used; i--) {
                    if (mask[i] != 0) {
                        used = i + 1;
                        break;
                    }
                }
            }
        }
        return Math.min(used, sequenceLength);
    }

    /** Reads by index: the sentences passed over are never tokenized. */
    @Override
    protected void skipOver(long first, int count) {
    }

    @Override
    protected Map<String, HostTensor> readBatch(long first, int count) {
        Encoding[] encodings = tokenizer.batchEncode(sentences.subList((int) first, (int) first + count));
        for (int i = 0; i < count; i++) {
            if (encodings[i].exceedMaxLength()) {
                cut.set((int) first + i);
            }
        }
        long[] shape = {count, batchLength};
        Map<String, HostTensor> batch = new LinkedHashMap<>();
        for (TensorSpec in : inputs) {
            long[] values = new long[count * batchLength];
            for (int i = 0; i < count; i++) {
                long[] row = switch (in.name()) {
                    case "input_ids" -> encodings[i].getIds();
                    case "attention_mask" -> encodings[i].getAttentionMask();
                    default -> encodings[i].getTypeIds();
                };
                // copy at most the length; a tokenizer that did not pad leaves zeros (masked out)
                System.arraycopy(row, 0, values, i * batchLength, Math.min(row.length, batchLength));
            }
            batch.put(in.name(), in.type() == ElementType.INT64 ? HostTensor.ofLongs(shape, values)
                    : HostTensor.ofInts(shape, toInts(values, in)));
        }
        return batch;
    }

    private int[] toInts(long[] values, TensorSpec input) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != (int) values[i]) {
                throw new Trt4jException(name + ": the tokenizer gave id " + values[i] + ", which model input '"
                        + input.name() + "' (" + input.type() + ") cannot hold; the tokenizer is not this model's");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    @Override
    public String describe() {
        return "text:" + name + " (" + counted("sentence", "sentences", Counts.of(batchLength, "token")
                + (trimsPadding() ? " (the longest sentence's" + (longestSentence < batchLength ? " "
                + longestSentence + ", rounded up to a multiple of " + LENGTH_STEP : "") + "; at most "
                + sequenceLength + ")" : "")) + ")";
    }

    /** How many of the sentences read so far were longer than the sequence length, and cut to it. */
    public int sentencesCut() {
        return cut.cardinality();
    }

    /**
     * Says how many sentences read were cut at the sequence length: their ends never reach the model, so a
     * comparison of FP32 with INT8 says nothing of how INT8 does on long inputs, which a deployment may feed.
     */
    @Override
    public void close() {
        try {
            if (!cut.isEmpty()) {
                DataWarnings.warn(LOG, ControlCharacters.escape(name) + ": " + Counts.of(cut.cardinality(),
                        "sentence") + " longer than " + sequenceLength + " tokens cut to " + sequenceLength
                        + " (a longer --seq-len, where the model takes one, reads more of each)");
            }
        } finally {
            tokenizer.close();
        }
    }
}
