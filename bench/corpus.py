"""Throughput and memory of ``corpusforge corpus``, and our MinHash LSH against ``datasketch.MinHashLSH``.

1. Whole step (clean, filter, dedup, chunk with the real Qwen tokenizer, store and file writes) over the two
   fixture novels (``../shared/fixtures/corpus_zh``): MB/s of input (GB18030 bytes as shipped, and UTF-8).
2. Peak RSS of the whole step at 1x and 10x input, each in a fresh process (the current RSS sampled every
   20 ms while ``build_corpus`` runs, after the tokenizer and language models are loaded; ``ru_maxrss`` too). The 10x input is ten
   *different* corpora (copies whose Han characters are rotated through the novel's own character set), so
   nothing is a duplicate and every stage does real work; flat memory means the two peaks are close.
3. Near-dedup on the novels' paragraphs (char 5-gram shingles, threshold 0.8, 128 permutations), ours vs
   datasketch in the same run on the same shingle hashes: signatures, then LSH query+insert per paragraph.
   datasketch is timed twice: fed our 32-bit shingle hashes (same input, algorithm vs algorithm) and fed the
   shingle strings with its default SHA-1 hashing (how it is usually called).
4. Recall on a sample: paragraphs plus edited copies (random character substitutions); true pairs are all
   pairs whose exact Jaccard of shingle sets is >= threshold (sparse all-pairs computation); recall and
   precision of our LSH candidates, of our verified matches, and of datasketch's candidates.

Run: ``python bench/corpus.py [--base-chars 300000] [--rss-scales 1 10] [--sample 1500]``
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NOVELS = ROOT.parent / "shared" / "fixtures" / "corpus_zh"


def novels() -> list[tuple[str, bytes]]:
    """(file name, raw GB18030 bytes) of the fixture novels."""
    return [(p.name, p.read_bytes()) for p in sorted(NOVELS.glob("*.txt"))]


def variant(text: str, k: int) -> str:
    """A different corpus of the same shape: Han characters rotated by ``k * 37`` through the text's own set."""
    if k == 0:
        return text
    chars = sorted({c for c in text if "\u4e00" <= c <= "\u9fff"})
    rot = {ord(c): chars[(i + k * 37) % len(chars)] for i, c in enumerate(chars)}
    return text.translate(rot)


def build(texts: list[tuple[str, str]], workdir: Path) -> tuple[float, object]:
    """Put the texts in a fresh workspace as documents and time ``build_corpus`` (wall seconds; the CPU seconds
    of this process go to ``build.cpu``, since the shared machine's load inflates wall time)."""
    from corpusforge.corpus.pipeline import build_corpus
    from corpusforge.records import Document, Page, content_hash
    from corpusforge.workspace import init_workspace

    ws = init_workspace(workdir)
    for name, text in texts:
        did = content_hash(text)
        ws.store.put_document(Document(did, name, name, "text", n_pages=1), [Page(did, name, 1, text)])
    t0, c0 = time.perf_counter(), time.process_time()
    stats = build_corpus(ws)
    dt = time.perf_counter() - t0
    build.cpu = time.process_time() - c0  # type: ignore[attr-defined]
    ws.close()
    return dt, stats


def rss_child(scale: int, base_chars: int) -> None:
    """Child process: build ``scale`` different corpora of ``base_chars`` characters; print JSON."""
    texts = []
    per = base_chars // 2
    for k in range(scale):
        for name, raw in novels():
            texts.append((f"{k:02d}_{name}", variant(raw.decode("gb18030")[:per], k)))
    from corpusforge.corpus.lang import detect
    from corpusforge.corpus.tokens import count_tokens

    count_tokens("warm up")  # load the tokenizer and the language models first: the baseline
    detect("warm up the language detector", ("zh", "en"))
    base = current_rss_mb()
    peak = [base]
    done = threading.Event()

    def sample() -> None:  # the high-water mark of the current RSS while build_corpus runs
        while not done.wait(0.02):
            peak[0] = max(peak[0], current_rss_mb())

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    with tempfile.TemporaryDirectory() as tmp:
        dt, stats = build(texts, Path(tmp) / "ws")
    done.set()
    th.join()
    print(
        json.dumps(
            {
                "scale": scale,
                "chars": sum(len(t) for _, t in texts),
                "seconds": dt,  # noqa: T201
                "chunks": stats.chunks,
                "rss_before_mb": base,
                "peak_rss_mb": peak[0],
                "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def current_rss_mb() -> float:
    """Resident set size of this process now (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def paragraphs_of_novels(min_chars: int = 30) -> list[str]:
    """The novels' cleaned paragraphs of at least ``min_chars`` characters."""
    from corpusforge.corpus.layout import paragraphs
    from corpusforge.corpus.normalize import normalize_text

    out = []
    for _, raw in novels():
        out += [
            p.text
            for p in paragraphs(normalize_text(raw.decode("gb18030")).split("\n"), 1)
            if len(p.text) >= min_chars
        ]
    return out


def ours_dedup(
    sets: list[np.ndarray], threshold: float, num_perm: int, path: Path | None, fn_weight: float = 0.5
) -> tuple[float, float, int]:
    """(signature seconds, LSH seconds, duplicates) for our implementation."""
    from corpusforge.corpus.lsh import DedupIndex
    from corpusforge.corpus.minhash import signatures

    t0 = time.perf_counter()
    sigs = signatures(sets, num_perm)
    t1 = time.perf_counter()
    idx = DedupIndex(threshold, num_perm, path, fn_weight)
    keys = idx.keys(sigs)
    dups = 0
    for i in range(len(sets)):
        if idx.query(sigs[i], keys[i]) is not None:
            dups += 1
        else:
            idx.insert(sigs[i], keys[i], str(i))
    t2 = time.perf_counter()
    idx.close()
    return t1 - t0, t2 - t1, dups


def datasketch_dedup(items: list, threshold: float, num_perm: int, hashfunc=None) -> tuple[float, float, int]:  # type: ignore[no-untyped-def,type-arg]
    """The same with datasketch (MinHash.update_batch + MinHashLSH query/insert)."""
    from datasketch import MinHash, MinHashLSH

    kw = {"hashfunc": hashfunc} if hashfunc else {}
    t0 = time.perf_counter()
    mhs = []
    for it in items:
        m = MinHash(num_perm=num_perm, seed=1, **kw)
        m.update_batch(it)
        mhs.append(m)
    t1 = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    dups = 0
    for i, m in enumerate(mhs):
        if lsh.query(m):
            dups += 1
        else:
            lsh.insert(i, m)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, dups


def recall(
    paras: list[str], n: int, threshold: float, num_perm: int, recall_weight: float
) -> dict[str, object]:
    """Recall/precision of LSH candidates against exact all-pairs Jaccard on a sample with edited copies."""
    import scipy.sparse as sp
    from datasketch import MinHash, MinHashLSH

    from corpusforge.corpus.lsh import DedupIndex
    from corpusforge.corpus.minhash import char_shingles, signatures

    rng = np.random.default_rng(0)
    base = [paras[i] for i in rng.choice(len(paras), n, replace=False)]
    sample = list(base)
    for p in base[: n // 2]:  # edited copies: 0-8% of characters substituted
        chars = list(p)
        for j in rng.choice(len(chars), int(len(chars) * rng.uniform(0, 0.08)), replace=False):
            chars[j] = "某"
        sample.append("".join(chars))
    sets = [np.unique(char_shingles(t, 5)) for t in sample]
    vocab: dict[int, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for h in s.tolist():
            rows.append(i)
            cols.append(vocab.setdefault(h, len(vocab)))
    a = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), len(vocab)))
    inter = (a @ a.T).tocoo()
    size = np.array([len(s) for s in sets])
    truth = set()
    for i, j, v in zip(inter.row, inter.col, inter.data, strict=True):
        if i < j and v / (size[i] + size[j] - v) >= threshold:
            truth.add((int(i), int(j)))
    sigs = signatures(sets, num_perm)
    found: dict[str, set] = {}  # type: ignore[type-arg]
    for label, w in (("datasketch's bands", 0.5), (f"recall_weight {recall_weight}", recall_weight)):
        idx = DedupIndex(threshold, num_perm, None, w)
        keys = idx.keys(sigs)
        for i in range(len(sets)):
            idx.insert(sigs[i], keys[i], str(i))
        cand, verified = set(), set()
        for i in range(len(sets)):
            for j, sim in idx.matches(sigs[i], keys[i]):
                if j != i:
                    pair = (min(i, j), max(i, j))
                    cand.add(pair)
                    if sim >= threshold:
                        verified.add(pair)
        found[f"ours, {label} ({idx.bands}x{idx.rows}), candidates"] = cand
        found[f"ours, {label} ({idx.bands}x{idx.rows}), verified (as the pipeline)"] = verified
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    mhs = []
    for i, s in enumerate(sets):
        m = MinHash(num_perm=num_perm, seed=1, hashfunc=int)
        m.update_batch(s.tolist())
        mhs.append(m)
        lsh.insert(i, m)
    ds = {(min(i, j), max(i, j)) for i, m in enumerate(mhs) for j in lsh.query(m) if j != i}

    found["datasketch MinHashLSH, candidates"] = ds
    out: dict[str, object] = {"items": len(sets), "true_pairs": len(truth)}
    for name, pairs in found.items():
        tp = len(pairs & truth)
        out[name] = {
            "recall": round(tp / max(1, len(truth)), 4),
            "precision": round(tp / max(1, len(pairs)), 4),
        }
    return out


def main() -> None:
    """Run the benchmark and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--base-chars", type=int, default=300_000, help="Characters of the 1x input of the RSS runs."
    )
    ap.add_argument(
        "--rss-scales", type=int, nargs="*", default=[1, 10], help="Input multiples for peak RSS."
    )
    ap.add_argument("--sample", type=int, default=1500, help="Paragraphs in the recall sample.")
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument(
        "--recall-weight", type=float, default=0.8, help="corpus.dedup.recall_weight of the pipeline."
    )
    ap.add_argument(
        "--skip", nargs="*", default=[], choices=["step", "rss", "dedup", "recall"], help="Parts to skip."
    )
    ap.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.rss_child:
        rss_child(args.rss_child, args.base_chars)
        return
    from rich.console import Console

    con = Console(width=170)
    if not NOVELS.is_dir():
        con.print(f"{NOVELS} is absent")
        sys.exit(1)
    results: dict[str, object] = {}

    # 1. whole step on the novels
    if "step" not in args.skip:
        whole_step(con, results)
    if "rss" not in args.skip:
        rss_table(con, results, args)
    paras = paragraphs_of_novels()
    if "dedup" not in args.skip:
        dedup_table(con, results, args, paras)
    if "recall" not in args.skip:
        recall_table(con, results, args, paras)
    out = ROOT / "bench" / "results" / "corpus.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    con.print(f"results written to {out}")


def whole_step(con, results: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    """MB/s of build_corpus over the two novels."""
    from rich.table import Table

    raw = novels()
    texts = [(n, b.decode("gb18030")) for n, b in raw]
    mb_raw = sum(len(b) for _, b in raw) / 1e6
    mb_utf8 = sum(len(t.encode()) for _, t in texts) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        dt, stats = build(texts, Path(tmp) / "ws")
    cpu = build.cpu  # type: ignore[attr-defined]
    results["whole_step"] = {
        "seconds": round(dt, 2),
        "cpu_seconds": round(cpu, 2),
        "mb_per_cpu_s_gb18030": round(mb_raw / cpu, 3),
        "mb_gb18030": round(mb_raw, 3),
        "mb_utf8": round(mb_utf8, 3),
        "mb_per_s_gb18030": round(mb_raw / dt, 3),
        "mb_per_s_utf8": round(mb_utf8 / dt, 3),
        "chars": stats.chars_in,
        "chunks": stats.chunks,
        "tokens": stats.tokens,
    }
    t = Table(title="whole corpus step on the fixture novels")
    for c in (
        "input",
        "wall s",
        "CPU s",
        "MB/s (GB18030 file)",
        "MB/s (UTF-8)",
        "MB per CPU-s (GB18030)",
        "chunks",
        "tokens",
    ):
        t.add_column(c)
    t.add_row(
        f"{mb_raw:.2f} MB, {stats.chars_in} chars",
        f"{dt:.1f}",
        f"{cpu:.1f}",
        f"{mb_raw / dt:.3f}",
        f"{mb_utf8 / dt:.3f}",
        f"{mb_raw / cpu:.3f}",
        str(stats.chunks),
        str(stats.tokens),
    )
    con.print(t)


def rss_table(con, results: dict, args) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Peak RSS at each scale, fresh processes."""
    from rich.table import Table

    rss = []
    for scale in args.rss_scales:
        out = subprocess.run(
            [sys.executable, __file__, "--rss-child", str(scale), "--base-chars", str(args.base_chars)],
            capture_output=True,
            text=True,
            check=True,
        )
        rss.append(json.loads(out.stdout.strip().splitlines()[-1]))
    results["rss"] = rss
    t = Table(title="peak RSS of the whole step (fresh process each)")
    for c in (
        "input",
        "chars",
        "seconds",
        "chunks",
        "RSS before MB",
        "peak RSS during build MB",
        "peak vs 1x",
        "growth during build MB",
        "ru_maxrss MB",
    ):
        t.add_column(c)
    for r in rss:
        t.add_row(
            f"{r['scale']}x",
            str(r["chars"]),
            f"{r['seconds']:.1f}",
            str(r["chunks"]),
            f"{r['rss_before_mb']:.0f}",
            f"{r['peak_rss_mb']:.0f}",
            f"{r['peak_rss_mb'] / rss[0]['peak_rss_mb']:.2f}x",
            f"{r['peak_rss_mb'] - r['rss_before_mb']:.0f}",
            f"{r['ru_maxrss_mb']:.0f}",
        )
    con.print(t)


def dedup_table(con, results: dict, args, paras: list[str]) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Near-dedup throughput, ours vs datasketch."""
    from rich.table import Table

    from corpusforge.corpus.minhash import char_shingles

    sets = [char_shingles(p, 5) for p in paras]
    nchars = sum(len(p) for p in paras)
    with tempfile.TemporaryDirectory() as tmp:
        runs = {
            "ours (memory)": ours_dedup(sets, args.threshold, args.num_perm, None),
            "ours (SQLite, as in the pipeline)": ours_dedup(
                sets, args.threshold, args.num_perm, Path(tmp) / "i.db", args.recall_weight
            ),
            "datasketch (same 32-bit hashes)": datasketch_dedup(
                [s.tolist() for s in sets], args.threshold, args.num_perm, int
            ),
            "datasketch (shingle strings, SHA-1)": datasketch_dedup(
                [
                    [p[i : i + 5].encode() for i in range(max(1, len(p) - 4))]
                    for p in ("".join(q.split()) for q in paras)
                ],
                args.threshold,
                args.num_perm,
            ),
        }
    base = runs["datasketch (same 32-bit hashes)"]
    t = Table(
        title=f"near-dedup of {len(paras)} paragraphs ({nchars} chars), threshold {args.threshold}, "
        f"{args.num_perm} permutations"
    )
    for c in (
        "implementation",
        "signatures s",
        "LSH query+insert s",
        "total s",
        "paragraphs/s",
        "speed vs datasketch",
        "duplicates",
    ):
        t.add_column(c)
    results["near_dedup"] = {}
    for name, (s1, s2, d) in runs.items():
        tot = s1 + s2
        t.add_row(
            name,
            f"{s1:.2f}",
            f"{s2:.2f}",
            f"{tot:.2f}",
            f"{len(paras) / tot:.0f}",
            f"{sum(base[:2]) / tot:.2f}x",
            str(d),
        )
        results["near_dedup"][name] = {
            "signatures_s": round(s1, 3),
            "lsh_s": round(s2, 3),
            "duplicates": d,
            "speed_vs_datasketch": round(sum(base[:2]) / tot, 3),
        }
    con.print(t)


def recall_table(con, results: dict, args, paras: list[str]) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Recall and precision against exact Jaccard."""
    from rich.table import Table

    rec = recall(paras, min(args.sample, len(paras)), args.threshold, args.num_perm, args.recall_weight)
    results["recall"] = rec
    t = Table(
        title=f"recall vs exact Jaccard >= {args.threshold} on {rec['items']} paragraphs "
        f"(incl. edited copies): {rec['true_pairs']} true pairs"
    )
    for c in ("", "recall", "precision"):
        t.add_column(c)
    for name, v in rec.items():
        if isinstance(v, dict):
            t.add_row(name, f"{v['recall']:.3f}", f"{v['precision']:.3f}")
    con.print(t)


if __name__ == "__main__":
    main()
