package io.kembed.embed.model;

import io.kembed.core.model.ModelSource.Url;
import java.io.IOException;
import java.util.Optional;

/** Materialises a {@link Url} source: downloads both files into the cache, each checked against its pin. */
final class UrlSource {

    private final HttpDownloader downloader;

    UrlSource(HttpDownloader downloader) {
        this.downloader = downloader;
    }

    static String cacheKey(Url source) {
        return "url:" + source.onnx() + " sha256=" + source.onnxSha256() + " " + source.tokenizer() + " sha256="
                + source.tokenizerSha256();
    }

    ModelFiles materialise(Url source, CacheFiles cache) throws IOException, InterruptedException {
        String key = cacheKey(source);
        Optional<ModelFiles> cached = cache.reusable(key);
        if (cached.isPresent()) {
            return cached.get();
        }
        cache.invalidate();
        downloader.download(source.tokenizer(), source.tokenizerSha256(), cache.tokenizer());
        downloader.download(source.onnx(), source.onnxSha256(), cache.onnx());
        cache.commit(key);
        return cache.files();
    }
}
