/**
 * Getting a model's {@code model.onnx} and {@code tokenizer.json} onto local disk from the sources a
 * {@link io.kembed.core.model.ModelSpec} lists: Maven jars (read as zip files, no class loaded), pinned URLs, or a
 * local directory. Entry point: {@link io.kembed.embed.model.ModelLoader#resolve}.
 */
package io.kembed.embed.model;
