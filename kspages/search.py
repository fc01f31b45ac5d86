"""A static Chinese full-text index: CJK bigrams and Latin words, BM25 weights, sharded by term.

Chinese has no spaces, so a word cannot be told from its neighbours without a dictionary; bigrams need none and
find partial words (退货 in 七日无理由退货, 证据不足 as 证据 + 据不 + 不足). The browser runs the same tokenizer
(templates/assets/search.js; the tests compare the two) and fetches only the shards that hold its query's terms.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import re
import unicodedata
from dataclasses import dataclass

from . import numbers
from .cache import Memo, no_memo

K1, B = 1.2, 0.75
TITLE_WEIGHT = 3  # a term in the title counts as three in the body
HEADING_WEIGHT = 2  # and in a heading or summary as two
# BM25 normalises by document length against an average; a fixed one (about a notice's weighted length) keeps one
# edited page from changing the weights, and so the files, of every other page in the index.
AVERAGE_LENGTH = 300
EXCERPT = 80  # characters of text shown under a result
SHARD_TARGET = 24_000  # bytes: a query of a few terms fetches a few small files
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(f"[{_CJK}]+|[a-z0-9]+")
_TAGS = re.compile(r"<[^>]+>")


def tokens(text: str) -> list[str]:
    """Index terms of a text: NFKC, lower case; each CJK run as its bigrams (a lone character as itself), each
    Latin or digit run as one word."""
    found: list[str] = []
    for run in _RUNS.findall(unicodedata.normalize("NFKC", text).lower()):
        if run[0].isascii() or len(run) == 1:
            found.append(run)
        else:
            found.extend(run[i:i + 2] for i in range(len(run) - 1))
    return found


@dataclass(frozen=True)
class Document:
    """One searchable page."""

    url: str  # site-relative
    title: str
    kind: str  # 指南 / 公示 / 店铺
    text: str  # plain text of the body
    headings: str = ""  # headings and summary: what the page is about, weighted above the body
    boost: float = 1.0  # the guide explains what notices only mention: its pages rank higher for the same match
    excerpt: str = ""  # shown under the result; the start of the text when empty


_MARKDOWN = [(re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"), (re.compile(r"[#*_`>|~-]+"), " ")]


def plain(markdown_text: str) -> str:
    """Text of Markdown (or HTML), enough for indexing: link texts kept, markup and tags dropped."""
    text = html.unescape(_TAGS.sub(" ", markdown_text))
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Index:
    """The built index: files to write under search/, and the same data for searching in Python."""

    files: dict[str, bytes]
    docs: list[dict[str, str]]
    postings: dict[str, list[list[float]]]  # term -> [[doc id, weight], ...]


def load_index(files: dict[str, bytes]) -> Index:
    """The index back from its files (as written by build_index), for searching in Python."""
    meta = json.loads(files["search/meta.json"])
    docs: list[dict[str, str]] = []
    for k in range(0, max(meta["docs"], 1), meta["chunk"]):
        docs += json.loads(files[f"search/docs/{k // meta['chunk']}.json"])
    postings: dict[str, list[list[float]]] = {}
    for path, data in files.items():
        if path.startswith("search/terms/"):
            postings.update(json.loads(data))
    return Index({p: d for p, d in files.items() if p.startswith("search/")}, docs, postings)


def _json(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")


def term_counts(doc: Document) -> dict[str, int]:
    """Weighted term frequencies of one document."""
    tf: dict[str, int] = {}
    for text, weight in ((doc.title, TITLE_WEIGHT), (doc.headings, HEADING_WEIGHT), (doc.text, 1)):
        for term in tokens(text):
            tf[term] = tf.get(term, 0) + weight
    return tf


def build_index(documents: list[Document], memo: Memo = no_memo) -> Index:
    """BM25-weighted postings for every term, sharded by FNV-1a of the term; docs in fixed-size chunks.

    `memo` may hand back a document's term counts from an earlier build (keyed by a digest of its text).
    """
    counts: list[dict[str, int]] = []
    lengths: list[int] = []  # weighted term counts
    for doc in documents:
        key = hashlib.sha256(repr(("terms", doc.title, doc.headings, doc.text)).encode()).hexdigest()
        tf: dict[str, int] = memo(key, functools.partial(term_counts, doc))
        counts.append(tf)
        lengths.append(sum(tf.values()))
    postings: dict[str, list[list[float]]] = {}
    for doc_id, tf in enumerate(counts):
        norm = K1 * (1 - B + B * lengths[doc_id] / AVERAGE_LENGTH)
        for term, n in sorted(tf.items()):
            bm25 = documents[doc_id].boost * n * (K1 + 1) / (n + norm)
            postings.setdefault(term, []).append([doc_id, round(bm25, 3)])
    size = len(_json(postings))
    bits = next((b for b in range(0, 17) if size / (1 << b) <= SHARD_TARGET), 16)
    shards: dict[str, dict[str, list[list[float]]]] = {shard_name(t, bits): {} for t in postings}
    for term in sorted(postings):
        shards[shard_name(term, bits)][term] = postings[term]
    docs = [{"url": d.url, "title": d.title, "kind": d.kind, "excerpt": (d.excerpt or d.text)[:EXCERPT]}
            for d in documents]
    files = {f"search/terms/{name}.json": _json(terms) for name, terms in shards.items()}
    chunk = 500
    for k in range(0, max(len(docs), 1), chunk):
        files[f"search/docs/{k // chunk}.json"] = _json(docs[k:k + chunk])
    files["search/meta.json"] = _json({"v": 1, "docs": len(docs), "bits": bits, "chunk": chunk})
    return Index(files, docs, postings)


def shard_name(term: str, bits: int) -> str:
    """The shard that holds a term: the top `bits` bits of FNV-1a over its UTF-8 bytes, in hex."""
    if bits == 0:
        return "0"
    return format(numbers.fnv1a(term.encode("utf-8")) >> (32 - bits), f"0{(bits + 3) // 4}x")


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query, in order."""
    return list(dict.fromkeys(tokens(query)))


def search(index: Index, query: str, limit: int = 10) -> list[str]:
    """URLs of the best matches: most query terms matched first, then by BM25 score (as search.js ranks)."""
    terms = query_terms(query)
    total = len(index.docs)
    scores: dict[int, list[float]] = {}
    for term in terms:
        hits = index.postings.get(term, [])
        if not hits:
            continue
        idf = math.log(1 + (total - len(hits) + 0.5) / (len(hits) + 0.5))
        for doc_id, weight in hits:
            entry = scores.setdefault(int(doc_id), [0, 0.0])
            entry[0] += 1
            entry[1] += idf * weight
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return [index.docs[doc_id]["url"] for doc_id, _ in ranked[:limit]]
