package io.kembed.embed.model;

import java.util.Objects;
import java.nio.file.Path;

/**
 * A model's two files on local disk.
 *
 * @param onnx the ONNX graph
 * @param tokenizerJson the Hugging Face {@code tokenizer.json}
 */
public record ModelFiles(Path onnx, Path tokenizerJson) {

    public ModelFiles {
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
    }
}
