package dev.trt4j.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class JsonDocumentTextTest {
    /** The streamed text is the text, byte for byte, in both layouts; the stream stays open for its owner. */
    @Test
    void writeTextStreamsExactlyWhatToTextReturnsAndLeavesTheStreamOpen() throws IOException {
        ObjectNode root = JsonDocument.newObject();
        root.put("name", "na\u00efve \u540d");
        root.putArray("counts").add(1).add(20).add(300);
        root.putObject("nested").putRawValue("amax", JsonDocument.exactFloat(0.1f));
        for (boolean inline : new boolean[] {true, false}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            AtomicBoolean closed = new AtomicBoolean();
            JsonDocument.writeText(root, inline, new FilterOutputStream(bytes) {
                @Override
                public void close() {
                    closed.set(true);
                }
            });

            assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(JsonDocument.toText(root, inline))
                    .endsWith("\n");
            assertThat(closed).as("closed by writeText").isFalse();
        }
    }
}
