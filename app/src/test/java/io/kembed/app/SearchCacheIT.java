package io.kembed.app;

import io.kembed.search.cache.SearchCache;

/** {@link AbstractSearchCacheIT} with the embedded default: LocalPipeline's in-process Caffeine cache. */
class SearchCacheIT extends AbstractSearchCacheIT {

    @Override
    SearchCache cache() {
        return null;
    }
}
