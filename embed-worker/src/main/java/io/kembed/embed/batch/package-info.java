/**
 * Pure functions, tested without a model: batch planning ({@link io.kembed.embed.batch.BatchPlanner}), chunk
 * planning ({@link io.kembed.embed.batch.ChunkPlanner}), pooling and L2 normalisation
 * ({@link io.kembed.embed.batch.TokenPooling}).
 */
package io.kembed.embed.batch;
