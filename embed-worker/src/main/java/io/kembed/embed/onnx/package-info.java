/**
 * Native plumbing: ONNX Runtime sessions ({@link io.kembed.embed.onnx.OnnxEncoder}) and the Hugging Face
 * tokenizer through DJL ({@link io.kembed.embed.onnx.TextTokenizer}). The only package allowed to import
 * {@code ai.onnxruntime} and {@code ai.djl} (enforced by {@code ArchitectureTest}); it hands plain Java types
 * ({@code long[]}, {@code float[][]}, records) to the rest of the module.
 */
package io.kembed.embed.onnx;
