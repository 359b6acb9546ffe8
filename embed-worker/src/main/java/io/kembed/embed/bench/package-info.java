/**
 * Raw inference throughput without Kafka ({@link io.kembed.embed.bench.RawOnnxBenchmark}), the ceiling the
 * pipeline is compared against.
 */
package io.kembed.embed.bench;
