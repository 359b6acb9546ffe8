/**
 * Pure planning for cross-encoder scoring, tested without a model: per-pair truncation ({@link
 * io.kembed.rerank.plan.PairTruncation}), length-sorted batches ({@link io.kembed.rerank.plan.PairBatches}), the
 * deadline plan ({@link io.kembed.rerank.plan.DeadlinePlanner}) and its cost estimate ({@link
 * io.kembed.rerank.plan.CostEstimate}). No ONNX Runtime, no tokenizer, no I/O.
 */
package io.kembed.rerank.plan;
