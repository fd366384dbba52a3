"""LSH candidate pairs by a Ray Data shuffle: band keys grouped across the cluster, pairs verified there.

Input: per clean task, the signatures of the pages and paragraphs its cleaning queried (unit 0: pages,
1: paragraphs). Each distinct signature (by :func:`digest`) becomes one row per band key;
``groupby(["unit", "band"]).map_groups`` then gives every pair sharing a band key, kept when the
estimated Jaccard (matching positions / ``num_perm``) reaches the threshold, as :meth:`DedupIndex.query`
judges it. The driver gets back, per unit, ``digest -> {digest: matching positions}``.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import numpy as np

from corpusforge.corpus.minhash import band_keys

Pairs = dict[bytes, dict[bytes, int]]
UNITS = (0, 1)


def digest(sig: np.ndarray) -> bytes:
    """16-byte identity of a signature (equal signatures are one item for the LSH)."""
    return hashlib.blake2b(sig.astype(np.uint32).tobytes(), digest_size=16).digest()


def band_rows(part: list[np.ndarray], bands: int, rows: int) -> list[dict[str, Any]]:
    """One row per (distinct signature, band key) of a task's signatures, both units."""
    out: list[dict[str, Any]] = []
    for unit in UNITS:
        sigs = part[unit]
        if not len(sigs):
            continue
        seen: set[bytes] = set()
        for sig, keys in zip(sigs, band_keys(sigs, bands, rows), strict=True):
            d = digest(sig)
            if d in seen:
                continue
            seen.add(d)
            for k in set(keys.tolist()):
                out.append({"unit": unit, "band": k, "id": d.hex(), "sig": sig.astype(np.uint32)})
    return out


def group_pairs(batch: dict[str, np.ndarray], num_perm: int, threshold: float) -> dict[str, np.ndarray]:
    """The verified pairs of one band group (each distinct signature once), as columns unit/a/b/n."""
    ids, first = np.unique(np.asarray(batch["id"], dtype=object).astype(str), return_index=True)
    sigs = np.stack(list(batch["sig"]))[first]
    unit = int(batch["unit"][0])
    a: list[str] = []
    b: list[str] = []
    n: list[int] = []
    for i in range(len(ids) - 1):
        counts = np.count_nonzero(sigs[i + 1 :] == sigs[i], axis=1)
        for j in np.flatnonzero(counts / num_perm >= threshold):  # the float DedupIndex.query compares
            a.append(str(ids[i]))
            b.append(str(ids[i + 1 + j]))
            n.append(int(counts[j]))
    return {
        "unit": np.full(len(n), unit, dtype=np.int64),
        "a": np.array(a, dtype=object),
        "b": np.array(b, dtype=object),
        "n": np.array(n, dtype=np.int64),
    }


def shuffle_pairs(
    ray: Any, parts: list[Any], bands: int, rows: int, num_perm: int, threshold: float
) -> tuple[list[set[bytes]], list[Pairs]]:
    """Per unit: every signature digest of ``parts`` (ObjectRefs of task signatures), and their pairs."""
    import ray.data

    seen: list[set[bytes]] = [set(), set()]
    for ds in ray.get([task("_digests_fn").remote(p) for p in parts]) if parts else []:
        for unit in UNITS:
            seen[unit].update(ds[unit])
    pairs: list[Pairs] = [{}, {}]
    if not any(seen):
        return seen, pairs
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    items = ray.data.from_items([{"part": i} for i in range(len(parts))], override_num_blocks=len(parts))
    grouped = items.flat_map(lambda r: band_rows(ray.get(parts[r["part"]]), bands, rows)).groupby(
        ["unit", "band"], num_partitions=max(1, min(200, len(parts)))
    )
    found = grouped.map_groups(
        group_pairs, batch_format="numpy", fn_kwargs={"num_perm": num_perm, "threshold": threshold}
    )
    for batch in found.iter_batches(batch_format="numpy", batch_size=4096):
        for unit, a, b, c in zip(batch["unit"], batch["a"], batch["b"], batch["n"], strict=True):
            x, y = bytes.fromhex(str(a)), bytes.fromhex(str(b))
            pairs[int(unit)].setdefault(x, {})[y] = int(c)
            pairs[int(unit)].setdefault(y, {})[x] = int(c)
    return seen, pairs


def scan(
    part: list[np.ndarray], unit: int, sig: np.ndarray, keys: np.ndarray, bands: int, rows: int
) -> dict[bytes, int]:
    """Signatures of ``part`` sharing a band key with ``sig``: digest -> matching positions (unverified)."""
    sigs = part[unit]
    if not len(sigs):
        return {}
    near = np.isin(band_keys(sigs, bands, rows), keys).any(axis=1)
    sig32 = sig.astype(np.uint32)
    return {digest(s): int(np.count_nonzero(s.astype(np.uint32) == sig32)) for s in sigs[near]}


def _digests_fn(part: list[np.ndarray]) -> list[list[bytes]]:
    return [[digest(s) for s in part[unit]] for unit in UNITS]


@functools.cache
def task(name: str) -> Any:
    """The Ray remote function of this module's ``name`` (made once per process)."""
    import ray

    return ray.remote(globals()[name])
