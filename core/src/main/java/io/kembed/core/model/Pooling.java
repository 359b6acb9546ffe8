package io.kembed.core.model;

/** How token vectors {@code last_hidden_state [batch, seq, dims]} become one vector per text. */
public enum Pooling {
    /** The first token's ({@code [CLS]}) vector, as BGE models are trained (BGE model card). */
    CLS,
    /** Mean of the token vectors under the attention mask, as sentence-transformers' MiniLM and E5 use. */
    MEAN
}
