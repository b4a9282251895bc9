package dev.trt4j.cli;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.image.ImagePreprocessing;
import dev.trt4j.data.text.RenderedTextLineSource;
import dev.trt4j.data.text.RenderedTextPageSource;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataArgumentsTest {
    private static final List<TensorSpec> IMAGE = List.of(new TensorSpec("x", ElementType.FLOAT32,
            new long[] {-1, 3, -1, -1}, null));
    private static final List<TensorSpec> MAP = List.of(new TensorSpec("p", ElementType.FLOAT32,
            new long[] {-1, 1, -1, -1}, null));
    private static final List<TensorSpec> CLASSES = List.of(new TensorSpec("y", ElementType.FLOAT32,
            new long[] {-1, 2}, null));

    @Command(name = "test")
    static final class Holder {
        @Mixin
        DataArguments data;
    }

    private static DataArguments parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.data;
    }

    @Test
    void textGivenForAnOcrModelIsRenderedTheWayItsRoleReads(@TempDir Path dir) throws IOException {
        Path text = Files.write(dir.resolve("lines.txt"), List.of("one line of text", "another line", "a third"));
        DataArguments args = parse("--data", text.toString());
        try (CalibrationDataSource s = args.openSamples(IMAGE, MAP, Map.of("x", new long[] {1, 3, 192, 256}))) {
            assertThat(s).isInstanceOf(RenderedTextPageSource.class);
        }
        try (CalibrationDataSource s = args.openSamples(IMAGE, CLASSES, Map.of("x", new long[] {1, 3, 48, 192}))) {
            assertThat(s).isInstanceOf(RenderedTextLineSource.class);
            assertThat(((RenderedTextLineSource) s).labels()).as("a direction classifier sees lines turned")
                    .contains(RenderedTextLineSource.UPSIDE_DOWN);
        }
    }

    @Test
    void realSamplesAreThoseGivenOrThoseAnOcrOrTextModelGetsBundled() {
        DataArguments none = parse();
        assertThat(none.givesSamples(IMAGE, MAP)).isTrue();
        assertThat(none.givesSamples(IMAGE, List.of(new TensorSpec("y", ElementType.FLOAT32, new long[] {-1, 1000},
                null)))).as("an image classifier would get random data").isFalse();
        List<TensorSpec> ids = List.of(new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, null));
        assertThat(none.givesSamples(ids, CLASSES)).isFalse();
        assertThat(parse("--tokenizer", "tok.json").givesSamples(ids, CLASSES)).isTrue();
        assertThat(parse("--data", "x.npy").givesSamples(ids, CLASSES)).isTrue();
    }

    @Test
    void imageOptionsAdjustThePresetTheModelGets() {
        List<TensorSpec> classes1000 = List.of(new TensorSpec("y", ElementType.FLOAT32, new long[] {-1, 1000}, null));
        ImagePreprocessing imagenet = parse("--mean", "0,0,0", "--std", "1,1,1", "--resize", "stretch")
                .options(IMAGE, classes1000).imagePreprocessing();
        assertThat(imagenet.mean()).containsExactly(0f, 0f, 0f);
        assertThat(imagenet.std()).containsExactly(1f, 1f, 1f);
        assertThat(imagenet.resizeMode()).isEqualTo(ImagePreprocessing.ResizeMode.STRETCH);
        assertThat(imagenet.channelOrder()).as("ImageNet's order kept").isEqualTo(ImagePreprocessing.ChannelOrder.RGB);

        ImagePreprocessing cls = parse("--channel-order", "RGB").options(IMAGE, CLASSES).imagePreprocessing();
        assertThat(cls.channelOrder()).isEqualTo(ImagePreprocessing.ChannelOrder.RGB);
        assertThat(cls.mean()).as("the rest is PaddleOCR's, which a direction classifier gets")
                .containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(cls.resizeMode()).isEqualTo(ImagePreprocessing.ResizeMode.KEEP_ASPECT_PAD_RIGHT);
    }

    @Test
    void imageOptionValuesAreCheckedAsUsageErrors() {
        assertThatThrownBy(() -> parse("--mean", "0.5,0.5").options(IMAGE, CLASSES))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--mean needs 3 values, one per channel in the tensor's order, got 2 ('0.5,0.5')");
        assertThatThrownBy(() -> parse("--mean", "0.5,x,0.5").options(IMAGE, CLASSES))
                .isInstanceOf(InvalidOptionException.class).hasMessage("--mean 0.5,x,0.5: 'x' is not a number");
        // a second --mean is refused as such, not joined to the first into six values
        assertThatThrownBy(() -> parse("--mean", "0.5,0.5,0.5", "--mean", "0.4,0.4,0.4"))
                .isInstanceOf(picocli.CommandLine.OverwrittenOptionException.class)
                .hasMessage("option '--mean' (M,M,M) should be specified only once");
        // the value as typed, not as Java reads it (0.0, Infinity)
        assertThatThrownBy(() -> parse("--std", "1,0,1").options(IMAGE, CLASSES))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--std 1,0,1: each value must be finite and not 0, got '0'");
        assertThatThrownBy(() -> parse("--mean", "0,NaN,0").options(IMAGE, CLASSES))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--mean 0,NaN,0: each value must be finite, got 'NaN'");
        assertThatThrownBy(() -> parse("--mean", "0,1e99,0").options(IMAGE, CLASSES))
                .hasMessage("--mean 0,1e99,0: each value must be finite, got '1e99'");
        assertThatThrownBy(() -> parse("--channel-order", "rbg").options(IMAGE, CLASSES))
                .isInstanceOf(InvalidOptionException.class).hasMessage("--channel-order rbg: expected rgb or bgr");
        assertThatThrownBy(() -> parse("--resize", "fit").options(IMAGE, CLASSES))
                .isInstanceOf(InvalidOptionException.class).hasMessage("--resize fit: expected stretch, pad or crop");
        assertThatThrownBy(() -> parse("--preprocess", "yolo").options(IMAGE, CLASSES))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--preprocess yolo: unknown image preprocessing 'yolo' (known: imagenet, ppocr-cls, "
                        + "ppocr-rec, ppocr-det)");
    }

    /** Three values with decimal commas (German, French) split into six: the message gives the list to type. */
    @Test
    void sixValuesThatPairUpAsDecimalCommasNameTheListToType() {
        assertThatThrownBy(() -> parse("--mean", "0,5,0,5,0,5").options(IMAGE, CLASSES))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--mean needs 3 values, one per channel in the tensor's order, got 6 ('0,5,0,5,0,5'); "
                        + "write them with a decimal point (--mean 0.5,0.5,0.5)");
        assertThatThrownBy(() -> parse("--std", "0,229,0,224,0,225").options(IMAGE, CLASSES))
                .hasMessageEndingWith("; write them with a decimal point (--std 0.229,0.224,0.225)");
        // six values that are no three decimals get no hint
        assertThatThrownBy(() -> parse("--mean", "0,5,0,5,0,x").options(IMAGE, CLASSES))
                .hasMessage("--mean needs 3 values, one per channel in the tensor's order, got 6 ('0,5,0,5,0,x')");
        assertThatThrownBy(() -> parse("--mean", "0.5,5,0,5,0,5").options(IMAGE, CLASSES))
                .hasMessageEndingWith("got 6 ('0.5,5,0,5,0,5')");
    }

    @Test
    void aNegativeNumberIsReportedUnderItsOwnOption() {
        assertThatThrownBy(() -> parse("--batch", "-1").options()).isInstanceOf(Trt4jException.class)
                .hasMessage("--batch must not be negative (0 = automatic), got -1");
        assertThatThrownBy(() -> parse("--seq-len", "-5").options())
                .hasMessage("--seq-len must not be negative (0 = automatic), got -5");
        assertThatThrownBy(() -> parse("--hop", "-2").options())
                .hasMessage("--hop must not be negative (0 = the window length), got -2");
        assertThatThrownBy(() -> parse("--samples", "-3").options())
                .hasMessage("--samples must not be negative (0 = all), got -3");
        assertThat(parse("--batch", "0", "--seq-len", "0").options().batchSize()).as("0 stays automatic").isZero();
    }

    @Test
    void aTokenizerForAModelWithoutTokenIdsIsRefusedNotIgnored() {
        assertThatThrownBy(() -> parse("--tokenizer", "tok.json").options(IMAGE, CLASSES))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("--tokenizer tok.json: the model has no input_ids input to tokenize text for; its inputs "
                        + "are [x]");
    }
}
