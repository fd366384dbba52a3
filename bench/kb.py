"""Retrieval benchmark: recall@1/@5 and query time of the knowledge base against baselines, side by side.

Baselines (same process, same data): bm25s with its default tokenizer (regex words, no Chinese
segmentation) for the Chinese sets; BM25 alone (no dense fusion) for the English quickstart questions.

    python bench/kb.py [--cmrc ../shared/fixtures/qa_zh/cmrc2018_trial.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def recall(search, pairs, k):  # type: ignore[no-untyped-def]
    """(recall@k, seconds per query)."""
    t0 = time.perf_counter()
    hit = sum(bool(rel & set(search(q, k))) for q, rel in pairs)
    return hit / len(pairs), (time.perf_counter() - t0) / len(pairs)


def plain_bm25(passages):  # type: ignore[no-untyped-def]
    """Baseline: bm25s with its own tokenizer (no jieba)."""
    import bm25s

    bm = bm25s.BM25()
    bm.index(
        bm25s.tokenize([p.text for p in passages], stopwords="en", show_progress=False), show_progress=False
    )

    def search(q, k):  # type: ignore[no-untyped-def]
        toks = bm25s.tokenize([q], stopwords="en", show_progress=False)
        if not toks.vocab:
            return []
        idx, sc = bm.retrieve(toks, k=min(k, len(passages)), show_progress=False)
        return [passages[i].id for i, s in zip(idx[0], sc[0], strict=True) if s > 0]

    return search


def row(name, ours, base):  # type: ignore[no-untyped-def]
    ratio = ours[0] / base[0] if base[0] else float("inf")
    return (
        f"{name:34s} ours {ours[0]:.3f} ({ours[1] * 1e3:.1f} ms/q)   baseline {base[0]:.3f} "
        f"({base[1] * 1e3:.1f} ms/q)   ratio x{ratio:.2f}"
    )


def main() -> int:
    from corpusforge.corpus.pipeline import build_corpus
    from corpusforge.ingest.pipeline import ingest_paths
    from corpusforge.kb.build import build_kb, open_kb
    from corpusforge.workspace import init_workspace

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cmrc", type=Path, default=ROOT.parent / "shared/fixtures/qa_zh/cmrc2018_trial.json")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    lines = []

    ws = init_workspace(tmp / "qs")
    ingest_paths(ws, [ROOT / "examples/quickstart/docs"])
    build_corpus(ws)
    build_kb(ws)
    kb = open_kb(ws)
    qs = [json.loads(x) for x in (ROOT / "tests/kb/data/quickstart_questions.jsonl").read_text().splitlines()]
    pairs = [
        (q["question"], {p.id for p in kb.passages if p.source == q["source"] and q["answer"] in p.text})
        for q in qs
    ]
    ours = lambda q, k: [h.passage.id for h in kb.search(q, k)]  # noqa: E731
    base = plain_bm25(kb.passages)
    bm25_only = lambda q, k: [kb.passages[i].id for i, _ in kb._bm25(q, k)]  # noqa: E731
    zh = [p for p in pairs if ord(p[0][0]) > 0x3000]
    en = [p for p in pairs if ord(p[0][0]) < 0x3000]
    for k in (1, 5):
        lines.append(row(f"quickstart zh (n={len(zh)}) recall@{k}", recall(ours, zh, k), recall(base, zh, k)))
        lines.append(
            row(
                f"quickstart en hybrid vs BM25 (n={len(en)}) @{k}",
                recall(ours, en, k),
                recall(bm25_only, en, k),
            )
        )
    if args.cmrc.exists():
        data = json.loads(args.cmrc.read_text(encoding="utf-8"))
        f, cp = tmp / "cmrc.jsonl", []
        with open(f, "w", encoding="utf-8") as out:
            for art in data["data"]:
                for p in art["paragraphs"]:
                    out.write(
                        json.dumps(
                            {"id": p["id"], "text": p["context"], "source": art["id"]}, ensure_ascii=False
                        )
                        + "\n"
                    )
                    cp += [(qa["question"], {p["id"]}) for qa in p["qas"]]
        ws2 = init_workspace(tmp / "cmrc")
        ws2.config.kb.embedding_model = "none"
        build_kb(ws2, jsonl=[f], chunks=False)
        kb2 = open_kb(ws2)
        ours2 = lambda q, k: [h.passage.id for h in kb2.search(q, k)]  # noqa: E731
        base2 = plain_bm25(kb2.passages)
        for k in (1, 5):
            lines.append(
                row(f"CMRC2018 (n={len(cp)}) recall@{k}", recall(ours2, cp, k), recall(base2, cp, k))
            )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
