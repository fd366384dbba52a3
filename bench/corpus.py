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
import importlib.util
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


def neardup_items(k: int, chunk: int = 700) -> tuple[list[str], list[tuple[str, str]]]:
    """(indexed chunks, [(kind, query text)]) on the fixture novels.

    Indexed: ``chunk``-character chunks of the first 90% of 三国演义 and of 水浒传. Queries: chunks of a
    60,000-character excerpt of 三国演义 with 1/2/5/10% of characters edited (substituted 60%, deleted 20%,
    inserted 20%, from the novel's own characters), half-chunk excerpts of indexed chunks, and unrelated
    negatives (chunks of the held-out last 10% of 三国演义, same author and style).
    """
    a, b = (raw.decode("gb18030") for _, raw in novels())
    rng = np.random.default_rng(0)
    cut = int(len(a) * 0.9)
    pool = [c for c in a[:5000] if "\u4e00" <= c <= "\u9fff"]

    def edit(t: str, p: float) -> str:
        chars = list(t)
        for j in sorted(rng.choice(len(chars), int(len(chars) * p), replace=False), reverse=True):
            r = rng.random()
            if r < 0.6:
                chars[j] = pool[rng.integers(len(pool))]
            elif r < 0.8:
                del chars[j]
            else:
                chars.insert(j, pool[rng.integers(len(pool))])
        return "".join(chars)

    def chunks(t: str) -> list[str]:
        return [t[i : i + chunk] for i in range(0, len(t) - chunk, chunk)]

    indexed = chunks(a[:cut]) + chunks(b)
    ex = a[len(a) // 2 : len(a) // 2 + 60_000]
    queries: list[tuple[str, str]] = []
    for p in (0.01, 0.02, 0.05, 0.10):
        queries += [(f"edited {int(p * 100)}%", c) for c in chunks(edit(ex, p))[:60]]
    for i in rng.choice(len(indexed), 60, replace=False):
        queries.append(("excerpt (half chunk)", indexed[i][100 : 100 + chunk // 2]))
    queries += [("unrelated", c) for c in chunks(a[cut:])[:300]]
    return indexed, queries


def shingle_sets(texts: list[str], k: int) -> list[np.ndarray]:
    """Distinct 64-bit shingle hashes of the folded texts (all shingles, no sampling)."""
    from corpusforge.corpus.neardup import fold, shingle_hashes

    return [np.unique(shingle_hashes(fold(t), k, 5)) for t in texts]


def exact_containment(qsets: list[np.ndarray], isets: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each query's exact containment |Q & U| / |Q| in the union U of the indexed sets (what the pipeline
    asks: is this chunk's text already kept, whatever the chunk boundaries) and its highest Jaccard with one
    indexed set (what pairwise MinHash LSH estimates)."""
    union = np.unique(np.concatenate(isets))
    owner: dict[int, list[int]] = {}
    for i, s in enumerate(isets):
        for h in s.tolist():
            owner.setdefault(h, []).append(i)
    cont, jac = np.zeros(len(qsets)), np.zeros(len(qsets))
    for q, s in enumerate(qsets):
        counts: dict[int, int] = {}
        for h in s.tolist():
            for i in owner.get(h, ()):
                counts[i] = counts.get(i, 0) + 1
        if counts and len(s):
            pos = np.minimum(np.searchsorted(union, s), len(union) - 1)
            cont[q] = float((union[pos] == s).mean())
            jac[q] = max(c / (len(s) + len(isets[i]) - c) for i, c in counts.items())
    return cont, jac


def run_ours(
    indexed: list[str], queries: list[str], k: int, rate: int, thr: float
) -> tuple[list[bool], float]:
    """Our path (fold, numpy rolling hash, hash sampling, SampleIndex containment): flags, CPU seconds."""
    from corpusforge.corpus.neardup import SampleIndex, sampled_shingles

    c0 = time.process_time()
    idx = SampleIndex()
    for i, t in enumerate(indexed):
        idx.add(sampled_shingles(t, k, 5, rate), i)
    flags = [idx.containment(sampled_shingles(t, k, 5, rate)) >= thr for t in queries]
    return flags, time.process_time() - c0


def run_datasketch(indexed: list[str], queries: list[str], k: int, thr: float) -> tuple[list[bool], float]:
    """datasketch MinHash + MinHashLSH (128 permutations) fed our shingle hashes (no SHA-1)."""
    from datasketch import MinHash, MinHashLSH

    from corpusforge.corpus.neardup import fold, shingle_hashes

    def mh(t: str) -> MinHash:
        m = MinHash(num_perm=128, seed=1, hashfunc=int)
        m.update_batch((np.unique(shingle_hashes(fold(t), k, 5)) >> np.uint64(32)).tolist())
        return m

    c0 = time.process_time()
    lsh = MinHashLSH(threshold=thr, num_perm=128)
    for i, t in enumerate(indexed):
        lsh.insert(i, mh(t))
    flags = [bool(lsh.query(mh(t))) for t in queries]
    return flags, time.process_time() - c0


def run_rensa(indexed: list[str], queries: list[str], k: int, thr: float) -> tuple[list[bool], float]:
    """rensa RMinHash + RMinHashLSH (128 permutations, 16 bands) over the folded shingle strings."""
    from rensa import RMinHash, RMinHashLSH

    from corpusforge.corpus.neardup import fold

    def mh(t: str) -> RMinHash:
        f = fold(t)
        m = RMinHash(num_perm=128, seed=1)
        m.update([f[i : i + k] for i in range(max(1, len(f) - k + 1))])
        return m

    c0 = time.process_time()
    bands = {0.2: 32, 0.3: 32, 0.4: 16, 0.5: 16}.get(round(thr, 1), 16)
    lsh = RMinHashLSH(threshold=thr, num_perm=128, num_bands=bands)
    for i, t in enumerate(indexed):
        lsh.insert(i, mh(t))
    flags = [bool(lsh.query(mh(t))) for t in queries]
    return flags, time.process_time() - c0


def run_old(indexed: list[str], queries: list[str], k: int, thr: float) -> tuple[list[bool], float]:
    """Our older MinHash (corpus/minhash.py) + banded LSH (corpus/lsh.py), still the paragraph/page dedup."""
    from corpusforge.corpus.lsh import DedupIndex
    from corpusforge.corpus.minhash import char_shingles, signatures

    c0 = time.process_time()
    idx = DedupIndex(thr, 128, None, 0.8)
    isig = signatures([np.unique(char_shingles(t, k)) for t in indexed], 128)
    keys = idx.keys(isig)
    for i in range(len(indexed)):
        idx.insert(isig[i], keys[i], str(i))
    qsig = signatures([np.unique(char_shingles(t, k)) for t in queries], 128)
    qkeys = idx.keys(qsig)
    flags = [idx.query(qsig[i], qkeys[i]) is not None for i in range(len(queries))]
    idx.close()
    return flags, time.process_time() - c0


def best_of(sides: dict, repeats: int) -> dict[str, tuple[list[bool], float]]:  # type: ignore[type-arg]
    """Run every side ``repeats`` times, interleaved (each round in a rotated order, so that a burst of load
    on the shared machine falls on all sides alike), on the same inputs; each side's flags (the same every
    time: all sides are deterministic) and its lowest CPU time."""
    names = list(sides)
    best: dict[str, tuple[list[bool], float]] = {}
    for r in range(max(1, repeats)):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            flags, cpu = sides[name]()
            if name in best and best[name][0] != flags:
                raise RuntimeError(f"{name}: different results on a repeat")
            if name not in best or cpu < best[name][1]:
                best[name] = (flags, cpu)
    return {n: best[n] for n in names}


def neardup_table(con, results: dict, args) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Recall/precision vs exact containment and CPU throughput: ours, datasketch, rensa, older MinHash."""
    from rich.table import Table

    k, thr = args.shingle, args.containment
    indexed, queries = neardup_items(k)
    qtexts = [t for _, t in queries]
    cont, jac = exact_containment(shingle_sets(qtexts, k), shingle_sets(indexed, k))
    truth = cont >= thr
    # datasketch/rensa estimate Jaccard: pick the Jaccard threshold whose exact version gives recall >= 0.95
    jt = float(np.quantile(jac[truth], 0.05)) if truth.any() else thr
    n_items = len(indexed) + len(queries)
    sides = {
        f"ours (sampled shingles 1/{args.sample_rate}, containment >= {thr})": lambda: run_ours(
            indexed, qtexts, k, args.sample_rate, thr
        ),
        "ours, no sampling (rate 1)": lambda: run_ours(indexed, qtexts, k, 1, thr),
        f"datasketch MinHashLSH (128 perm, Jaccard >= {jt:.2f})": lambda: run_datasketch(
            indexed, qtexts, k, jt
        ),
        f"rensa RMinHashLSH (128 perm, Jaccard >= {jt:.2f})": lambda: run_rensa(indexed, qtexts, k, jt),
        f"older minhash.py + lsh.py (Jaccard >= {jt:.2f})": lambda: run_old(indexed, qtexts, k, jt),
    }
    if importlib.util.find_spec("rensa") is None:
        con.print("rensa is not installed (pip install 'corpusforge[dedup]'): its row is left out")
        sides = {n: f for n, f in sides.items() if not n.startswith("rensa")}
    runs = best_of(sides, args.repeats)
    base = next(v for n, v in runs.items() if n.startswith("datasketch"))[1]
    kinds = sorted({kd for kd, _ in queries})
    t = Table(
        title=f"near copies of {len(queries)} queried chunks against {len(indexed)} indexed chunks of 700 chars "
        f"(char {k}-shingles; truth: exact containment >= {thr}: {int(truth.sum())} true)"
    )
    for c in (
        "implementation",
        "recall",
        "precision",
        "recall (<=5% edits, excerpts)",
        "precision (same, no 10%)",
        *[f"found: {kd}" for kd in kinds],
        "items/CPU-s",
        "vs datasketch",
    ):
        t.add_column(c)
    out: dict[str, object] = {
        "queries": len(queries),
        "indexed": len(indexed),
        "true": int(truth.sum()),
        "repeats": args.repeats,
        "timing": "best CPU time of the repeats, interleaved in rotated order, same inputs",
    }
    kind = np.array([kd for kd, _ in queries])
    sure = kind != "edited 10%"  # by construction: <= 5% edits and excerpts are copies, unrelated are not
    pos = np.isin(kind, ["edited 1%", "edited 2%", "edited 5%", "excerpt (half chunk)"])
    for name, (flags, cpu) in runs.items():
        f = np.array(flags)
        tp = int((f & truth).sum())
        rec, prec = tp / max(1, int(truth.sum())), tp / max(1, int(f.sum()))
        c_rec = float((f & pos).sum() / max(1, pos.sum()))
        c_prec = float((f & pos).sum() / max(1, (f & sure).sum()))
        per = {kd: float(np.mean([f[i] for i, (q, _) in enumerate(queries) if q == kd])) for kd in kinds}
        t.add_row(
            name,
            f"{rec:.3f}",
            f"{prec:.3f}",
            f"{c_rec:.3f}",
            f"{c_prec:.3f}",
            *[f"{per[kd]:.2f}" for kd in kinds],
            f"{n_items / cpu:.0f}",
            f"{base / cpu:.2f}x",
        )
        out[name] = {
            "recall": round(rec, 4),
            "precision": round(prec, 4),
            "recall_by_construction": round(c_rec, 4),
            "precision_by_construction": round(c_prec, 4),
            "cpu_s": round(cpu, 3),
            "items_per_cpu_s": round(n_items / cpu, 1),
            "speed_vs_datasketch": round(base / cpu, 3),
            "found_share": {kd: round(v, 3) for kd, v in per.items()},
        }
    out["exact_containment_p5_by_kind"] = {
        kd: round(float(np.percentile([cont[i] for i, (q, _) in enumerate(queries) if q == kd], 5)), 3)
        for kd in kinds
    }
    results["near_dup"] = out
    con.print(t)


def curve_table(con, results: dict, args) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Shingle size curve: containment of unrelated chunks (p99) and of edited copies (p5), k = 4..8."""
    from rich.table import Table

    from corpusforge.corpus.neardup import SampleIndex, sampled_shingles

    t = Table(
        title=f"shingle size: estimated containment (sample 1/{args.sample_rate}) in the indexed chunks"
    )
    cols = (
        "k",
        "unrelated p50",
        "unrelated p99",
        "edited 1% p5",
        "edited 2% p5",
        "edited 5% p5",
        "edited 10% p5",
    )
    for c in cols:
        t.add_column(c)
    results["shingle_curve"] = []
    for k in range(4, 9):
        indexed, queries = neardup_items(k)
        idx = SampleIndex()
        for i, tx in enumerate(indexed):
            idx.add(sampled_shingles(tx, k, 5, args.sample_rate), i)
        by: dict[str, list[float]] = {}
        for kd, tx in queries:
            by.setdefault(kd, []).append(idx.containment(sampled_shingles(tx, k, 5, args.sample_rate)))
        row = [
            float(np.percentile(by["unrelated"], 50)),
            float(np.percentile(by["unrelated"], 99)),
            *[float(np.percentile(by[f"edited {p}%"], 5)) for p in (1, 2, 5, 10)],
        ]
        t.add_row(str(k), *[f"{v:.3f}" for v in row])
        results["shingle_curve"].append(dict(zip(cols, [k, *[round(v, 4) for v in row]], strict=True)))
    con.print(t)


def main() -> None:
    """Run the benchmark and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--base-chars", type=int, default=300_000, help="Characters of the 1x input of the RSS runs."
    )
    ap.add_argument(
        "--rss-scales", type=int, nargs="*", default=[1, 10], help="Input multiples for peak RSS."
    )
    ap.add_argument("--shingle", type=int, default=6, help="corpus.near_dup.char_ngram.")
    ap.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="Near-dup runs per implementation (interleaved; best CPU time).",
    )
    ap.add_argument("--sample-rate", type=int, default=8, help="corpus.near_dup.sample_rate.")
    ap.add_argument("--containment", type=float, default=0.45, help="corpus.near_dup.threshold (chunks).")
    ap.add_argument(
        "--skip", nargs="*", default=[], choices=["step", "rss", "neardup", "curve"], help="Parts to skip."
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
    if "neardup" not in args.skip:
        neardup_table(con, results, args)
    if "curve" not in args.skip:
        curve_table(con, results, args)
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
        "ru_maxrss vs 1x",
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
            f"{r['ru_maxrss_mb'] / rss[0]['ru_maxrss_mb']:.2f}x",
        )
    con.print(t)


if __name__ == "__main__":
    main()
