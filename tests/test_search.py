"""Chinese search: tokens, the build-time query fixture, and the browser script agreeing with Python."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kspages import search
from kspages.build import check_queries, prepare
from kspages.cli import main
from kspages.search import Document, IndexBuilder

from .conftest import REPO

NODE = shutil.which("node")
FIXTURE = REPO / "tests/search_queries.yaml"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("search")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return prepare(root, dt.date(2026, 11, 1))[1].outputs


def test_tokens_are_bigrams_and_words() -> None:
    assert search.tokens("七日无理由退货") == ["七日", "日无", "无理", "理由", "由退", "退货"]
    assert search.tokens("ＡＰＰ内举报，iPhone 15 Pro") == ["app", "内举", "举报", "iphone", "15", "pro"]
    assert search.tokens("货 ") == ["货"]


def test_the_fixture_has_forty_queries_and_passes_at_build_time() -> None:
    queries = yaml.safe_load(FIXTURE.read_text("utf-8"))
    assert len(queries) >= 40
    assert {"退货", "虚假", "证据不足", "第三方"} <= {str(q["query"]) for q in queries}
    assert any(str(p).startswith("shop:") for q in queries for p in q["top5"])
    result = CliRunner().invoke(main, ["-q", "check", "--site", str(REPO), "--search"])
    assert result.exit_code == 0, result.output


def test_breaking_segmentation_fails_the_fixture(monkeypatch: pytest.MonkeyPatch,
                                                 outputs: dict[str, bytes]) -> None:
    # Queries cut into single characters while the index holds bigrams: the silent mismatch the fixture guards.
    monkeypatch.setattr(search, "query_terms", lambda q: list(dict.fromkeys(q.replace(" ", ""))))
    errors = check_queries(REPO, FIXTURE, outputs)
    assert len(errors) > 30 and "not in the top 5" in errors[0].message


def test_a_wrong_expectation_is_reported_at_its_line(tmp_path: Path, outputs: dict[str, bytes]) -> None:
    fixture = tmp_path / "q.yaml"
    fixture.write_text("- {query: 退货, top5: [guide/prevention/]}\n- {query: 退货, top5: [guide/evidence/]}\n",
                       "utf-8")
    [error] = check_queries(tmp_path, fixture, outputs)
    assert (error.path, error.line) == ("q.yaml", 2)
    assert error.message == "search '退货': guide/evidence/ not in the top 5"


HARNESS = r"""
const api = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {
  tokens: input.texts.map(t => api.tokens(t)),
  shards: input.terms.map(t => api.shardName(t, input.bits)),
  lns: input.xs.map(x => api.ln(x)),
  ranks: input.queries.map(q => {
    const terms = api.queryTerms(q);
    const postings = {};
    terms.forEach(t => { if (input.postings[t]) postings[t] = input.postings[t]; });
    return api.rank(terms, postings, input.meta).slice(0, 5);
  }),
};
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_browser_script_tokenizes_and_ranks_as_python(outputs: dict[str, bytes]) -> None:
    index = search.load_index(outputs)
    queries = [str(q["query"]) for q in yaml.safe_load(FIXTURE.read_text("utf-8"))]
    rng = random.Random(5)
    alphabet = "退货证据不足第三方虚假宣传ＡＢＣabc123１２３ 　，。！?-・㈠①"
    texts = [d["excerpt"] for d in index.docs] + ["".join(rng.choice(alphabet) for _ in range(20)) for _ in range(500)]
    terms = sorted(index.postings)[:2000]
    meta = json.loads(outputs["search/meta.json"])
    xs = [1 + (n - d + 0.5) / (d + 0.5) for n in (1, 7, 50, 4_999, 100_003) for d in range(1, min(n, 400) + 1)]
    xs += [1 + rng.random() * rng.choice([1, 1e3, 1e6]) for _ in range(2000)]
    payload = {"texts": texts, "terms": terms, "bits": 9, "queries": queries, "postings": index.postings,
               "meta": meta, "xs": xs}
    script = str(REPO / "templates/assets/search.js")
    assert NODE is not None
    done = subprocess.run([NODE, "-e", HARNESS, script], input=json.dumps(payload, ensure_ascii=False),
                          capture_output=True, text=True, check=True)
    js = json.loads(done.stdout)
    assert js["tokens"] == [search.tokens(t) for t in texts]
    assert js["shards"] == [search.shard_name(t, 9) for t in terms]
    assert js["lns"] == [search.ln(x) for x in xs]  # bit for bit: JSON carries a float's shortest repr exactly
    python = [[index.docs.index(next(d for d in index.docs if d["url"] == url)) for url in search.search(index, q, 5)]
              for q in queries]
    assert js["ranks"] == python


def test_an_index_kept_up_to_date_equals_one_built_afresh() -> None:
    """The builder a session keeps re-weights only edited pages; its files must be those of a fresh build."""
    rng = random.Random(5)
    words = ["退货", "虚假宣传", "价格不符", "证据不足", "第三方平台", "客服", "直播间", "保温杯", "refund", "12315"]

    def doc(n: int) -> Document:
        text = " ".join(rng.choice(words) + rng.choice(words) for _ in range(rng.randint(1, 60)))
        return Document(f"notices/{n}/", f"第{n}号 {rng.choice(words)}", "公示", text,
                        boost=rng.choice([1.0, 1.0, 1.0, 2.0]))

    # Chunks of titles; enough terms for several shards; three blocks of meta.json's lengths.
    docs = [doc(n) for n in range(2 * search.LENGTHS_BLOCK + 100)]
    builder = IndexBuilder()
    for step in range(40):
        action = rng.choice(["edit", "edit", "edit", "append", "drop-last", "insert-front", "none"])
        if action == "edit":
            i = rng.randrange(len(docs))
            docs[i] = doc(i)
        elif action == "append":
            docs.append(doc(len(docs)))
        elif action == "drop-last":
            docs.pop()
        elif action == "insert-front":
            docs.insert(0, doc(-step))
        assert builder.update(docs) == IndexBuilder().update(docs), f"step {step}: {action}"
    assert len(IndexBuilder().update(docs)) > 5  # shards, chunks and meta: the comparison covered several files


@pytest.mark.parametrize("count", [0, 1, 49, 50, 2 * search.LENGTHS_BLOCK + 100])
def test_the_index_a_new_process_writes_file_by_file_is_the_builder_s(count: int) -> None:
    rng = random.Random(count)
    words = ["退货", "虚假宣传", "价格不符", "证据不足", "客服", "保温杯", "refund", "12315", "第三方平台", "直播间"]
    docs = [Document(f"n/{n}/", f"第{n}号 {rng.choice(words)}", rng.choice(["公示", "指南"]),
                     " ".join(rng.choice(words) + rng.choice(words) for _ in range(rng.randint(0, 60))),
                     boost=rng.choice([1.0, 1.0, 2.0]), excerpt=rng.choice(["", "摘要"])) for n in range(count)]
    memo: dict[str, Any] = {}

    def kept(key: str, compute: Callable[[], Any]) -> Any:
        return memo[key] if key in memo else memo.setdefault(key, compute())

    made = list(search.index_files(docs, kept))
    assert len({path for path, _ in made}) == len(made)
    assert dict(made) == IndexBuilder().update(docs)
    assert dict(search.index_files(docs, kept)) == dict(made)  # the counts taken from the memo the second time
    if count > search.LENGTHS_BLOCK:
        assert sum(search.is_postings_file(path) for path, _ in made) > 2


def _plain_index(documents: list[Document]) -> dict[str, bytes]:
    """The index as first written: every posting list in one dict, json.dumps per file (no incremental state)."""
    postings: dict[str, list[list[int]]] = {}
    for i, doc in enumerate(documents):
        for term, n in sorted(search.term_counts(doc).items()):
            postings.setdefault(term, []).append([i, n])
    size = len(search._json(postings))
    bits = next((b for b in range(0, 17) if size / (1 << b) <= search.SHARD_TARGET), 16)
    shards: dict[str, dict[str, list[list[int]]]] = {}
    for term in sorted(postings):
        shards.setdefault(search.shard_name(term, bits), {})[term] = postings[term]
    files = {f"search/terms/{name}.json": search._json(terms) for name, terms in shards.items()}
    files["search/meta.json"] = search._json({
        "v": 2, "docs": len(documents), "bits": bits, "chunk": search.CHUNK,
        "lengths": [sum(search.term_counts(d).values()) for d in documents],
        "boosts": [[i, d.boost] for i, d in enumerate(documents) if d.boost != 1]})
    return files


def test_the_index_files_are_plain_json_of_every_posting() -> None:
    rng = random.Random(8)
    words = ["退货", "虚假宣传", "价格不符", "证据不足", "客服", "保温杯", "refund", "12315", "第三方平台"]
    docs = [Document(f"n/{n}/", f"第{n}号", "公示", " ".join(rng.choice(words) for _ in range(rng.randint(1, 80))),
                     boost=rng.choice([1.0, 2.0])) for n in range(900)]
    files = IndexBuilder().update(docs)
    expected = _plain_index(docs)
    assert {p: d for p, d in files.items() if not p.startswith("search/docs/")} == expected
    assert len(expected) > 3 and b'"boosts":[[' in expected["search/meta.json"]


def _phone_index() -> dict[str, bytes]:
    """An index where one page's text, title and excerpt hold a mobile number, among pages that do not."""
    docs = [Document(f"notices/{n}/", f"第{n}号 退货", "公示", f"商家拒绝退货，客服电话{n}号线，证据不足 refund {n}")
            for n in range(40)]
    docs[7] = Document("notices/7/", "回电13812345678", "公示", "请联系13812345678退货")
    return IndexBuilder().update(docs)


def test_the_gate_view_of_a_term_shard_keeps_a_number_written_in_a_page() -> None:
    files = _phone_index()
    views = {path: search.gate_view(path, data) for path, data in files.items()}
    [shard] = [path for path, data in files.items() if search.is_postings_file(path) and b'"13812345678"' in data]
    assert b'"13812345678":0' in views[shard]  # the term stays, only its postings are blanked
    docs = [path for path in files if path.startswith("search/docs/")]
    assert docs and all(views[path] is files[path] for path in docs)  # titles and excerpts are scanned as written
    assert b"13812345678" in views["search/docs/0.json"]


def test_the_gate_view_blanks_every_posting_and_keeps_every_term() -> None:
    files = _phone_index()
    shards = {path: data for path, data in files.items() if search.is_postings_file(path)}
    assert len(shards) >= 1 and all(b":[[" in data for data in shards.values())
    for path, data in shards.items():
        view = search.gate_view(path, data)
        assert b"[" not in view  # no page position or weight is left to read as digits
        original = json.loads(data)
        assert json.loads(view) == dict.fromkeys(original, 0)
    assert not search.is_postings_file("search/docs/0.json") and not search.is_postings_file("search/meta.json")


def test_an_edit_rewrites_only_the_shards_of_terms_whose_count_changed() -> None:
    """A page that grows keeps its other terms' postings: BM25's length is read from meta.json at query time."""
    words = ["退货", "虚假宣传", "价格不符", "证据不足", "第三方平台", "客服", "直播间", "保温杯", "refund", "12315"]
    rng = random.Random(3)
    docs = [Document(f"n/{n}/", f"第{n}号", "公示", " ".join(rng.choice(words) for _ in range(40))) for n in range(2000)]
    before = IndexBuilder().update(docs)
    docs[7] = replace(docs[7], text=docs[7].text + " zebra")
    after = IndexBuilder().update(docs)
    changed = {path for path in after if after[path] != before.get(path)}
    new_shard = f"search/terms/{search.shard_name('zebra', json.loads(after['search/meta.json'])['bits'])}.json"
    assert len([p for p in before if search.is_postings_file(p)]) > 10
    assert changed == {"search/meta.json", new_shard}  # its title and excerpt are as they were


def test_the_gate_view_of_meta_blanks_the_lengths_and_boosts() -> None:
    docs = [Document(f"n/{n}/", f"第{n}号", "公示", "退货 " * (n + 1), boost=2.0 if n < 3 else 1.0) for n in range(200)]
    meta = IndexBuilder().update(docs)["search/meta.json"]
    view = search.gate_view("search/meta.json", meta)
    assert b'"lengths":[' in meta and b'"boosts":[[' in meta
    assert json.loads(view) == {**json.loads(meta), "lengths": 0, "boosts": 0}


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_a_near_tie_ranks_the_same_in_the_browser_and_in_python() -> None:
    """Two pages whose scores differ in the last bits of the idf's logarithm (found by review: with Math.log the
    browser put n/0/ first, Python n/1/)."""
    def doc(n: int, alpha: int, beta: int, length: int) -> Document:
        words = ["alpha"] * alpha + ["beta"] * beta + ["filler"] * (length - alpha - beta)
        return Document(f"n/{n}/", "", "公示", " ".join(words))

    docs = [doc(0, 5, 5, 76), doc(1, 2, 2, 23)] + [doc(k + 2, 1 if k < 17 else 0, 0, 36) for k in range(47)]
    docs.append(doc(49, 0, 0, 59))
    files = IndexBuilder().update(docs)
    index = search.load_index(files)
    payload = {"texts": [], "terms": [], "bits": 0, "queries": ["alpha beta"], "postings": index.postings,
               "meta": json.loads(files["search/meta.json"]), "xs": []}
    assert NODE is not None
    done = subprocess.run([NODE, "-e", HARNESS, str(REPO / "templates/assets/search.js")],
                          input=json.dumps(payload, ensure_ascii=False), capture_output=True, text=True, check=True)
    python = [int(url.split("/")[1]) for url in search.search(index, "alpha beta", 5)]
    assert json.loads(done.stdout)["ranks"] == [python]


def test_an_excerpt_ends_where_a_sentence_or_a_clause_does() -> None:
    sentence = "经核查，投诉属实。" * 3 + "商家已在七个工作日内退款。" * 4
    shown = search.excerpt(sentence)
    assert shown.endswith("。") and len(shown) <= search.EXCERPT and sentence.startswith(shown)
    clauses = "商家" + "，并在消费者寄回商品、平台确认签收后补偿运费" * 4
    shown = search.excerpt(clauses)
    assert shown.endswith("补偿运费……") and len(shown) <= search.EXCERPT
    assert search.excerpt("三" * 100) == "三" * 78 + "……"
    assert search.excerpt("短短一句。") == "短短一句。"
