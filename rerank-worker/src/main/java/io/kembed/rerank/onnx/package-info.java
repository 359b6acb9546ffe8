/**
 * Native plumbing of the cross-encoder: ONNX Runtime ({@link io.kembed.rerank.onnx.CrossEncoderSession}) and the DJL
 * Hugging Face tokenizer ({@link io.kembed.rerank.onnx.PairTokenizer}). The only package of the rerank worker that
 * imports {@code ai.onnxruntime} or {@code ai.djl}; plain Java types cross its boundary.
 */
package io.kembed.rerank.onnx;
