"""A static Chinese full-text index: CJK bigrams and Latin words with their counts, sharded by term; BM25 at query time.

Chinese has no spaces, so a word cannot be told from its neighbours without a dictionary; bigrams need none and
find partial words (退货 in 七日无理由退货, 证据不足 as 证据 + 据不 + 不足). The browser runs the same tokenizer
(templates/assets/search.js; the tests compare the two) and fetches only the shards that hold its query's terms.
"""

from __future__ import annotations

import array
import bisect
import functools
import hashlib
import html
import itertools
import json
import operator
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar, cast

from . import numbers
from .keys import Memo, by_identity, no_memo
from .layout import SEARCH_TERMS

META = "search/meta.json"
T = TypeVar("T")
K1, B = 1.2, 0.75
TITLE_WEIGHT = 3  # a term in the title counts as three in the body
HEADING_WEIGHT = 2  # and in a heading or summary as two
EXCERPT = 80  # characters of text shown under a result, at most
SHARD_TARGET = 24_000  # bytes: a query of a few terms fetches a few small files
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(f"[{_CJK}]+|[a-z0-9]+")
_TAGS = re.compile(r"<[^>]+>")


_SENTENCE_END, _PAUSE = "。！？；", "，、："


def excerpt(text: str) -> str:
    """What a result shows of its text: whole sentences up to EXCERPT characters; else the text up to its last pause
    (a comma, a colon) within them, or cut at the limit, and an ellipsis."""
    if len(text) <= EXCERPT:
        return text
    head = text[:EXCERPT - 2]
    end = max(map(head.rfind, _SENTENCE_END))
    if end >= EXCERPT // 2:
        return head[:end + 1]
    pause = max(map(head.rfind, _PAUSE))
    return (head[:pause] if pause >= EXCERPT // 2 else head).rstrip() + "……"


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
    postings: dict[str, list[list[int]]]  # term -> [[doc id, weighted count], ...]
    lengths: list[int]  # doc id -> its weighted length
    boosts: dict[int, float]  # doc id -> its boost, where it is not 1


def load_index(files: Mapping[str, bytes]) -> Index:
    """The index back from its files (as written by build_index), for searching in Python."""
    meta = json.loads(files["search/meta.json"])
    docs: list[dict[str, str]] = []
    for k in range(0, max(meta["docs"], 1), meta["chunk"]):
        docs += json.loads(files[f"search/docs/{k // meta['chunk']}.json"])
    postings: dict[str, list[list[int]]] = {}
    for path, data in files.items():
        if is_postings_file(path):
            postings.update(json.loads(data))
    return Index({p: d for p, d in files.items() if p.startswith("search/")}, docs, postings, meta["lengths"],
                 {int(i): b for i, b in meta["boosts"]})


def is_postings_file(path: str) -> bool:
    """Whether an output is a term shard: terms cut from the pages' text, each with its postings."""
    return path.startswith(SEARCH_TERMS)


# One term's postings as a shard writes them, ':[[doc,count],...]': digits and JSON punctuation only. A term is a
# JSON string, and no quote matches here, so blanking postings cannot reach into a term.
_POSTINGS = re.compile(rb":\[\[[0-9,\[\]]*\]\]")
# The documents' lengths and boosts in meta.json, numbers only.
_NUMBERS = re.compile(rb'"(boosts|lengths)":\[[0-9.,\[\]]*\]')


def gate_view(path: str, data: bytes) -> bytes:
    """The bytes of an output the leak gate must scan: a term shard with its postings blanked, meta.json with its
    lengths blanked, any other as is."""
    # Page positions, counts and lengths are numbers kspages computes, and could read together as the digits of a
    # private value; the terms are cut from the pages' text and could hold one, so they stay.
    if is_postings_file(path):
        return _POSTINGS.sub(b":0", data)
    return _NUMBERS.sub(rb'"\1":0', data) if path == META else data


def _json(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")


def term_counts(doc: Document) -> dict[str, int]:
    """Weighted term frequencies of one document."""
    tf: dict[str, int] = {}
    for text, weight in ((doc.title, TITLE_WEIGHT), (doc.headings, HEADING_WEIGHT), (doc.text, 1)):
        for term in tokens(text):
            tf[term] = tf.get(term, 0) + weight
    return tf


def counts(doc: Document) -> tuple[tuple[str, ...], array.array[int]]:
    """A document's terms, sorted, and the weighted count of each (in an array: a 100k-record index holds tens of
    millions of them)."""
    tf = term_counts(doc)
    # Interned: every page holds its terms until the index is written, and pages share most of them (a bigram
    # string is 80 bytes; at 10k records the copies took 60 MB).
    terms = tuple(sorted(map(sys.intern, tf)))
    return terms, array.array("i", map(tf.__getitem__, terms))


def _entry(term: str, ids: array.array[int], tf: array.array[int]) -> bytes:
    # One "term":[[doc,count],...] member of a shard, exactly as json.dumps writes it inside the object.
    return (json.dumps(term, ensure_ascii=False) + ":[" + ",".join(
        f"[{d},{n}]" for d, n in zip(ids, tf, strict=True)) + "]").encode("utf-8")


class _Postings:
    """The pages of one term, by position, with its count in each: two arrays kept in order."""

    __slots__ = ("ids", "tf")

    def __init__(self) -> None:
        self.ids: array.array[int] = array.array("i")
        self.tf: array.array[int] = array.array("i")

    def put(self, doc: int, tf: int) -> bool:
        """Set a page's count; True when the page was already listed (its place in the file is unchanged)."""
        at = bisect.bisect_left(self.ids, doc)
        if at < len(self.ids) and self.ids[at] == doc:
            self.tf[at] = tf
            return True
        self.ids.insert(at, doc)
        self.tf.insert(at, tf)
        return False

    def get(self, doc: int) -> int | None:
        at = bisect.bisect_left(self.ids, doc)
        return self.tf[at] if at < len(self.ids) and self.ids[at] == doc else None

    def drop(self, doc: int) -> None:
        at = bisect.bisect_left(self.ids, doc)
        del self.ids[at]
        del self.tf[at]


LENGTHS_BLOCK = 1024  # lengths printed together in meta.json, and printed again when one of them changes
CHUNK = 50  # documents per file of titles and excerpts: an edit rewrites 16 KB, the top 20 fetch at most 20


class IndexBuilder:
    """The index of the last documents it was given; the next call counts again only the documents that changed.

    Postings list documents by position with a term's count in each, and meta.json each document's length: BM25 is
    computed when a query runs (as Pagefind does), so an edited page changes the shards of the terms whose count
    changed, not of every term it has. A page added at the front moves every later one, and then everything is
    redone. The files are those a fresh builder would write.
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        # The last call's documents and their keys, in order (a session's unchanged pages are the very objects).
        self.seen: tuple[Document, ...] = ()
        self.keys: list[str] = []
        self.counts: list[tuple[tuple[str, ...], array.array[int]]] = []
        self.length_text: list[str] = []  # the documents' lengths (sums of counts) as JSON prints them, in blocks
        self.boosts: dict[int, float] = {}  # document -> its boost, where it is not 1
        self.postings: dict[str, _Postings] = {}  # term -> the pages that have it, by position
        self.entries: dict[str, bytes] = {}  # term -> its JSON member
        self.size = 0  # bytes of every member, with the commas between them
        self.bits = -1
        self.shards: dict[str, bytes] = {}
        self.shard_of: dict[str, str] = {}  # term -> its shard, at the current number of bits
        self.members: dict[str, set[str]] = {}  # shard -> its terms
        self.chunks: list[bytes] = []

    def update(self, documents: list[Document], memo: Memo = no_memo) -> dict[str, bytes]:
        """Every file of the index of `documents` (search/meta.json, search/terms/*, search/docs/*)."""
        # A document given again (the very object: a session's unchanged page) keeps its key without a digest.
        # Loops in C: a session's edit costs the documents it changed, not a look at each.
        found, left = by_identity(documents, self.seen, self.keys)
        for i in left:
            found[i] = _document_key(documents[i])
        keys = cast(list[str], found)
        common = min(len(keys), len(self.keys))
        changed = {*itertools.compress(range(common), map(operator.ne, keys, self.keys)),
                   *range(common, max(len(keys), len(self.keys)))}
        if len(changed) > len(keys) // 2:  # a page added at the front, or a first build: start afresh
            self._reset()
            changed = set(range(len(keys)))
        reencode: set[str] = set()  # terms a page joined or left: their member is written anew
        replaced: dict[str, list[int]] = {}  # terms where only listed pages' counts changed: patched in place
        nothing: tuple[tuple[str, ...], array.array[int]] = ((), array.array("i"))
        for i in sorted(changed):
            terms, tf = memo(keys[i], functools.partial(counts, documents[i])) if i < len(documents) else nothing
            if i < len(self.counts):
                keep = set(terms)
                for term in self.counts[i][0]:
                    if term not in keep:
                        self.postings[term].drop(i)
                        reencode.add(term)
            for term, n in zip(terms, tf, strict=True):
                postings = self.postings.get(term)
                if postings is None:
                    postings = self.postings[term] = _Postings()
                if postings.get(i) == n:
                    continue
                if postings.put(i, n):  # a new count for a listed page keeps its place
                    replaced.setdefault(term, []).append(i)
                else:
                    reencode.add(term)
            if i < len(self.counts):
                self.counts[i] = (terms, tf)
            elif i < len(documents):
                self.counts.append((terms, tf))
        del self.counts[len(documents):]
        self.seen, self.keys = tuple(documents), keys
        dirty = reencode | replaced.keys()
        for term in dirty:
            old = self.entries.pop(term, None)
            if old is not None:
                self.size -= len(old) + 1
            postings = self.postings[term]
            if not postings.ids:
                del self.postings[term]
                name = self.shard_of.pop(term, None)
                if name is not None:
                    self.members[name].discard(term)
                continue
            if old is not None and term not in reencode:
                entry = old
                for i in replaced[term]:  # "[i,count]"
                    head = b"[%d," % i
                    start = entry.index(head) + len(head)
                    n = postings.get(i)
                    assert n is not None
                    entry = entry[:start] + b"%d" % n + entry[entry.index(b"]", start):]
            else:
                entry = _entry(term, postings.ids, postings.tf)
            self.entries[term] = entry
            self.size += len(entry) + 1
        # Size of the whole postings object as one JSON file decides how many shards there are.
        size = max(self.size - 1, 0) + 3
        bits = next((b for b in range(0, 17) if size / (1 << b) <= SHARD_TARGET), 16)
        if bits != self.bits:
            self.bits, dirty, self.shards, self.shard_of, self.members = bits, set(self.postings), {}, {}, {}
        for term in dirty:
            if term in self.postings and term not in self.shard_of:
                name = self.shard_of[term] = shard_name(term, bits)
                self.members.setdefault(name, set()).add(term)
        for name in {self.shard_of.get(term) or shard_name(term, bits) for term in dirty}:
            if self.members.get(name):
                self.shards[name] = b"{" + b",".join(self.entries[t] for t in sorted(self.members[name])) + b"}\n"
            else:
                self.shards.pop(name, None)
                self.members.pop(name, None)
        _redo_blocks(self.chunks, CHUNK, len(documents), changed, lambda k: _json([
            {"url": d.url, "title": d.title, "kind": d.kind, "excerpt": excerpt(d.excerpt or d.text)}
            for d in documents[k * CHUNK:(k + 1) * CHUNK]]), at_least=1)
        files = {f"{SEARCH_TERMS}{name}.json": data for name, data in self.shards.items()}
        files.update({f"search/docs/{k}.json": data for k, data in enumerate(self.chunks)})
        files[META] = self._meta(documents, changed, bits)
        return files

    def _meta(self, documents: list[Document], changed: set[int], bits: int) -> bytes:
        """meta.json as `_json` writes it: the lengths and boosts beside the documents' count, what a query needs
        to weigh each match. Only the blocks of lengths that changed are printed again (at 100k records printing
        every length and looking at every boost took 12 ms a save)."""
        for i in changed:
            if i < len(documents) and documents[i].boost != 1:
                self.boosts[i] = documents[i].boost
            else:
                self.boosts.pop(i, None)
        _redo_blocks(self.length_text, LENGTHS_BLOCK, len(documents), changed, lambda k: ",".join(
            str(sum(tf)) for _, tf in self.counts[k * LENGTHS_BLOCK:(k + 1) * LENGTHS_BLOCK]))
        boosts = json.dumps([[i, self.boosts[i]] for i in sorted(self.boosts)], separators=(",", ":"))
        lengths = ",".join(self.length_text)
        return (f'{{"bits":{bits},"boosts":{boosts},"chunk":{CHUNK},"docs":{len(documents)},'
                f'"lengths":[{lengths}],"v":2}}' + "\n").encode("utf-8")


def _redo_blocks(blocks: list[T], size: int, items: int, changed: set[int], make: Callable[[int], T],
                 at_least: int = 0) -> None:
    """Bring `blocks` of `size` items each (of `items` in all, at least `at_least` blocks) up to date: block k made
    again by `make(k)` when it holds a `changed` item or is new, and those past the last item dropped."""
    count = max((items + size - 1) // size, at_least)
    del blocks[count:]
    for k in sorted({i // size for i in changed if i // size < count} | set(range(len(blocks), count))):
        if k < len(blocks):
            blocks[k] = make(k)
        else:
            blocks.append(make(k))


def _document_key(d: Document) -> str:
    """What a document's counts are memoised under: a digest of everything they and its listing are made of."""
    return hashlib.sha256(repr(("counts", d.title, d.headings, d.text, d.boost, d.url, d.kind,
                                d.excerpt)).encode()).hexdigest()


def index_files(documents: Iterable[Document], memo: Memo = no_memo) -> Iterator[tuple[str, bytes]]:
    """The files `IndexBuilder().update(list(documents), memo)` returns, one at a time, for a build no later one
    starts from. Nothing is kept that a later file does not need: the documents are read once, as they come (each
    chunk of titles and excerpts handed on once it is full), each term's postings are let go once its member is
    printed, and each shard's members once the shard is handed on (at 100k records the builder and the documents
    held about 125 and 55 MB at the build's peak)."""
    postings: dict[str, tuple[array.array[int], array.array[int]]] = {}
    lengths: list[str] = []
    boosts: list[list[float]] = []
    chunk: list[dict[str, str]] = []
    count = 0
    for i, d in enumerate(documents):
        terms, tf = memo(_document_key(d), functools.partial(counts, d)) if memo is not no_memo else counts(d)
        lengths.append(str(sum(tf)))
        for term, n in zip(terms, tf, strict=True):
            listed = postings.get(term)
            if listed is None:
                listed = postings[term] = (array.array("i"), array.array("i"))
            listed[0].append(i)  # documents in order: each term's ids stay sorted, as `_Postings` keeps them
            listed[1].append(n)
        if d.boost != 1:
            boosts.append([i, d.boost])
        chunk.append({"url": d.url, "title": d.title, "kind": d.kind, "excerpt": excerpt(d.excerpt or d.text)})
        count = i + 1
        if len(chunk) == CHUNK:
            yield f"search/docs/{i // CHUNK}.json", _json(chunk)
            chunk = []
    if chunk or not count:
        yield f"search/docs/{count // CHUNK}.json", _json(chunk)
    entries: dict[str, bytes] = {}
    size = 0
    for term in list(postings):
        ids, tf = postings.pop(term)
        entries[term] = entry = _entry(term, ids, tf)
        size += len(entry) + 1
    size = max(size - 1, 0) + 3
    bits = next((b for b in range(0, 17) if size / (1 << b) <= SHARD_TARGET), 16)
    members: dict[str, list[str]] = {}
    for term in entries:
        members.setdefault(shard_name(term, bits), []).append(term)
    for name in sorted(members):
        terms = sorted(members.pop(name))
        yield f"{SEARCH_TERMS}{name}.json", b"{" + b",".join(map(entries.pop, terms)) + b"}\n"
    boosted = json.dumps(boosts, separators=(",", ":"))
    yield META, (f'{{"bits":{bits},"boosts":{boosted},"chunk":{CHUNK},"docs":{count},'
                 f'"lengths":[{",".join(lengths)}],"v":2}}' + "\n").encode("utf-8")


def build_index(documents: list[Document], memo: Memo = no_memo) -> Index:
    """Postings (document, count) for every term, sharded by FNV-1a of the term; docs in fixed-size chunks.

    `memo` may hand back a document's counts from an earlier build (keyed by a digest of its text).
    """
    files = IndexBuilder().update(documents, memo)
    return load_index(files)


def shard_name(term: str, bits: int) -> str:
    """The shard that holds a term: the top `bits` bits of FNV-1a over its UTF-8 bytes, in hex."""
    if bits == 0:
        return "0"
    return format(numbers.fnv1a(term.encode("utf-8")) >> (32 - bits), f"0{(bits + 3) // 4}x")


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query, in order."""
    return list(dict.fromkeys(tokens(query)))


_LN2 = 0.6931471805599453


def ln(x: float) -> float:
    """The natural logarithm of x >= 1 in additions, multiplications and divisions only, in the order search.js
    makes them: both languages then compute the very same float (V8's Math.log and C's log differ in the last bit
    for about one argument in ten, which turned near ties around)."""
    k = 0
    while x >= 2:  # x = m * 2**k with 1 <= m < 2: halving is exact
        x /= 2
        k += 1
    s = (x - 1) / (x + 1)  # ln m = 2 atanh s, 0 <= s < 1/3: twenty terms reach the last bit
    s2, term, total = s * s, s, 0.0
    for n in range(1, 41, 2):
        total += term / n
        term *= s2
    return 2 * total + k * _LN2


def search(index: Index, query: str, limit: int = 10) -> list[str]:
    """URLs of the best matches: most query terms matched first, then by BM25 score (as search.js ranks)."""
    terms = query_terms(query)
    total = len(index.docs)
    # The same operations in the same order as search.js, so that both compute the very same floats.
    average = sum(index.lengths) / total if total else 1
    scores: dict[int, list[float]] = {}
    for term in terms:
        hits = index.postings.get(term, [])
        if not hits:
            continue
        idf = ln(1 + (total - len(hits) + 0.5) / (len(hits) + 0.5))
        for doc_id, tf in hits:
            norm = K1 * (1 - B + B * index.lengths[doc_id] / average)
            weight = index.boosts.get(doc_id, 1) * tf * (K1 + 1) / (tf + norm)
            entry = scores.setdefault(int(doc_id), [0, 0.0])
            entry[0] += 1
            entry[1] += idf * weight
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return [index.docs[doc_id]["url"] for doc_id, _ in ranked[:limit]]
