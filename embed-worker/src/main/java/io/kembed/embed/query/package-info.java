/**
 * Query embedding over Kafka request/reply (core's {@code io.kembed.core.requestreply}): {@link
 * io.kembed.embed.query.QueryEmbedServer} in every embed worker, {@link io.kembed.embed.query.QueryEmbedClient} in
 * search applications, JSON {@link io.kembed.embed.query.QueryEmbedRequest} / {@link
 * io.kembed.embed.query.QueryEmbedReply} with typed {@link io.kembed.embed.query.QueryEmbedErrorCode}s.
 */
package io.kembed.embed.query;
