"""``ray.lsh: shuffle``: pairs from grouped band keys, resolved in order, answer as ``DedupIndex.query``."""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict

import numpy as np
import pytest

from corpusforge.corpus.lsh import DedupIndex
from corpusforge.scale.shuffle import band_rows, digest, group_pairs, scan
from corpusforge.scale.shuffle_index import ShuffleIndex

PERM = 64


def _sigs(seed: int, n: int = 300) -> np.ndarray:
    """Random signatures with planted near copies (a few positions changed) and exact copies."""
    rng = np.random.default_rng(seed)
    sigs = rng.integers(0, 2**32 - 1, size=(n, PERM), dtype=np.uint64)
    for i in range(40, n, 3):
        j = int(rng.integers(0, i))
        sigs[i] = sigs[j]
        flip = rng.choice(PERM, size=int(rng.integers(0, 16)), replace=False)
        sigs[i, flip] = rng.integers(0, 2**32 - 1, size=len(flip))
    return sigs


def _pairs(part: list[np.ndarray], index: DedupIndex) -> tuple[list[set[bytes]], list[dict]]:
    """What the Ray Data job computes, done in this process: rows grouped by (unit, band)."""
    groups: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in band_rows(part, index.bands, index.rows):
        groups[(row["unit"], row["band"])].append(row)
    pairs: list[dict] = [{}, {}]
    for rows in groups.values():
        batch = {k: np.array([r[k] for r in rows], dtype=object) for k in ("unit", "id")}
        batch["sig"] = np.stack([r["sig"] for r in rows])
        got = group_pairs(batch, index.num_perm, index.threshold)
        for u, a, b, c in zip(got["unit"], got["a"], got["b"], got["n"], strict=True):
            x, y = bytes.fromhex(a), bytes.fromhex(b)
            pairs[u].setdefault(x, {})[y] = int(c)
            pairs[u].setdefault(y, {})[x] = int(c)
    seen = [{digest(s) for s in part[u]} for u in (0, 1)]
    return seen, pairs


def _resolve(index: DedupIndex, sigs: np.ndarray) -> list[tuple[str, float] | None]:
    keys = index.keys(sigs)
    out = []
    for i, (sig, k) in enumerate(zip(sigs, keys, strict=True)):
        hit = index.query(sig, k)
        out.append(hit)
        if hit is None or i % 7 == 0:  # some duplicates inserted too: ties between equal signatures
            index.insert(sig, k, f"ref{i}")
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shuffle_index_matches_dedup_index(seed):
    sigs = _sigs(seed)
    local = DedupIndex(0.7, PERM, None, 0.5)
    want = _resolve(local, sigs)
    shuffled_part = sigs[:250]  # the rest: items the shuffle did not see (documents cleaned again)
    part = [np.zeros((0, PERM), dtype=np.uint32), shuffled_part]
    seen, pairs = _pairs(part, local)
    idx = ShuffleIndex(
        DedupIndex(0.7, PERM, None, 0.5),
        seen[1],
        pairs[1],
        lambda s, k: scan(part, 1, s, k, local.bands, local.rows),
    )
    got = _resolve(idx, sigs)
    assert got == want
    assert sum(h is not None for h in want) > 50
    assert idx.scans > 0


def test_shuffle_pairs_on_ray():
    """The same through Ray Data (a one-CPU local Ray); unseen signatures scanned by Ray tasks."""
    ray = pytest.importorskip("ray")
    from corpusforge.scale.ray_shuffle import _scan
    from corpusforge.scale.shuffle import shuffle_pairs

    sigs = _sigs(5, 200)
    local = DedupIndex(0.7, PERM, None, 0.5)
    want = _resolve(local, sigs)
    tmp = tempfile.mkdtemp(prefix="cfsh-", dir="/tmp")  # short: Ray's socket paths must fit
    ray.init("local", num_cpus=1, include_dashboard=False, log_to_driver=False, _temp_dir=tmp)
    try:
        halves = [sigs[:100], sigs[100:]]
        parts = [ray.put([np.zeros((0, PERM), dtype=np.uint32), h]) for h in halves]
        seen, pairs = shuffle_pairs(ray, parts, local.bands, local.rows, PERM, 0.7)
        assert (seen, pairs) == _pairs([np.zeros((0, PERM)), sigs], local)
        idx = ShuffleIndex(DedupIndex(0.7, PERM, None, 0.5), seen[1], pairs[1], lambda s, k: {})
        assert _resolve(idx, sigs) == want
        seen, pairs = shuffle_pairs(ray, parts[:1], local.bands, local.rows, PERM, 0.7)
        scan_ray = _scan(ray, parts[:1], 1, local.bands, local.rows)
        idx = ShuffleIndex(DedupIndex(0.7, PERM, None, 0.5), seen[1], pairs[1], scan_ray)
        assert _resolve(idx, sigs) == want
        assert idx.scans == sum(digest(s) not in seen[1] for s in sigs[100:]) > 50  # one per query
    finally:
        ray.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    assert sum(h is not None for h in want) > 30
