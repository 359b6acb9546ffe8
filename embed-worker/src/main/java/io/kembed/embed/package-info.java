/**
 * The embed worker's entry types: {@link io.kembed.embed.BiEncoder} turns texts into unit-length vectors with a
 * registry model ({@link io.kembed.core.model.ModelSpec}) on ONNX Runtime, configured by
 * {@link io.kembed.embed.BiEncoderOptions}.
 *
 * <p>Machinery lives below: {@code model} (getting the files), {@code onnx} (the only code that touches ONNX
 * Runtime and the DJL tokenizer), {@code batch} (pure planning and pooling functions) and {@code bench} (raw
 * throughput measurement).
 */
package io.kembed.embed;
