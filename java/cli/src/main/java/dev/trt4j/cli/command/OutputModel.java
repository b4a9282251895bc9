package dev.trt4j.cli.command;

import dev.trt4j.cli.DataArguments;
import dev.trt4j.onnx.OnnxModel;

import java.nio.file.Path;

/** The check every command that writes a model makes first: its {@code --out} is none of the files it reads. */
final class OutputModel {
    private OutputModel() {
    }

    /**
     * The output checks for {@code --out}: not the input model, nor the sample files (through a link too), and
     * writable where it is named; add what else the command reads, then {@link OutputFiles#check()}.
     */
    static OutputFiles of(Path out, Path input, DataArguments samples) {
        return new OutputFiles().add("--out", out).reads("the input model", input).reads("--data", samples.data())
                .reads("--tokenizer", samples.tokenizer());
    }

    /**
     * As {@link #of(Path, Path, DataArguments)}, with the data file {@code --external-data} writes beside
     * {@code --out} checked too, where the option is given.
     */
    static OutputFiles of(Path out, Path input, DataArguments samples, ExternalDataOption externalData) {
        OutputFiles files = of(out, input, samples);
        return externalData.enabled ? files.add("--out's data file", ExternalDataOption.dataFileOf(out)) : files;
    }

    /**
     * Once the model is loaded: {@code --out} is none of its external data files either, which it would replace
     * while the model still loaded, with other weights.
     */
    static void requireNotItsData(Path out, OnnxModel model) {
        OutputFiles files = new OutputFiles().add("--out", out);
        model.externalDataFiles().forEach(f -> files.reads("the input model's external data", f));
        files.requireNoneIsRead();
    }

    /**
     * As {@link #requireNotItsData(Path, OnnxModel)}, and the data file beside {@code --out} too where the output
     * may get one: asked for, or the model exceeds 2 GiB.
     */
    static void requireNotItsData(Path out, OnnxModel model, ExternalDataOption externalData) {
        OutputFiles files = new OutputFiles().add("--out", out);
        if (externalData.mayWrite(model)) {
            files.add("--out's data file", ExternalDataOption.dataFileOf(out));
        }
        model.externalDataFiles().forEach(f -> files.reads("the input model's external data", f));
        files.requireNoneIsRead();
    }
}
