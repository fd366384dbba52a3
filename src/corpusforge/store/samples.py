"""Samples, their candidate answers and their review history (``samples``, ``candidates``, ``reviews``)."""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Container, Iterable, Iterator
from typing import Any

from corpusforge.records import Candidate, Sample
from corpusforge.store.base import ConflictError, StoreBase
from corpusforge.store.codec import JSON_COLS, SAMPLE_FIELDS, dump, sample_of, sample_row, to_sample


class SamplesMixin(StoreBase):
    """Reads and writes of samples, candidates and reviews."""

    # ---------------------------------------------------------------- samples
    def add_samples(self, samples: Iterable[Sample]) -> int:
        """Insert samples, ignoring ids already present (so re-runs never duplicate). Returns rows added."""
        rows = [sample_row(s) for s in samples]
        if not rows:
            return 0
        cols = list(rows[0].keys())
        sql = f"INSERT OR IGNORE INTO samples ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        with self.transaction() as c:
            before = c.total_changes
            c.executemany(sql, [tuple(r[k] for k in cols) for r in rows])
            return c.total_changes - before

    def get_sample(self, sample_id: str) -> Sample | None:
        """Load one sample by id."""
        r = self.conn.execute("SELECT * FROM samples WHERE sample_id=?", (sample_id,)).fetchone()
        return to_sample(r) if r else None

    def get_samples(self, sample_ids: Iterable[str]) -> dict[str, Sample]:
        """Load the samples with these ids (those present), in a few queries."""
        ids = list(dict.fromkeys(sample_ids))
        out: dict[str, Sample] = {}
        json_at = [i for i, n in enumerate(SAMPLE_FIELDS) if n in JSON_COLS]
        cur = self.conn.cursor()
        cur.row_factory = None
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            q = f"SELECT {', '.join(SAMPLE_FIELDS)} FROM samples WHERE sample_id IN ({', '.join('?' * len(part))})"
            for t in cur.execute(q, part):
                out[t[0]] = sample_of(SAMPLE_FIELDS, t, json_at)
        return out

    def iter_samples(
        self,
        *,
        task: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        doc_id: str | None = None,
        source: str | None = None,
        include_stale: bool = False,
        order: str = "source, doc_id, task, created_at, sample_id",
        only: Container[str] | None = None,
        skip: Collection[str] = (),
        min_grounding: float | None = None,
        sources: Container[str] | None = None,
        exclude: Container[str] = (),
    ) -> Iterator[Sample]:
        """Stream samples matching the filters (all optional).

        Args:
            task, status: one value or several.
            only: sample ids: the other rows are skipped before their JSON columns are decoded.
            skip: fields not read (``metadata``, ``scores``): the samples get their defaults there.
            min_grounding: only samples with a grounding score at least this.
            sources: source names: the other rows are skipped before decoding (like ``only``).
            exclude: sample ids skipped before decoding.
        """
        where: list[str] = []
        args: list[Any] = []
        for col, value in (("task", task), ("status", status)):
            if value is not None:
                vals = [value] if isinstance(value, str) else list(value)
                where.append(f"{col} IN ({', '.join('?' * len(vals))})")
                args.extend(vals)
        if doc_id:
            where.append("doc_id=?")
            args.append(doc_id)
        if source:
            where.append("source=?")
            args.append(source)
        if min_grounding is not None:
            where.append("grounding >= ?")
            args.append(min_grounding)
        if not include_stale:
            where.append("stale=0")
        names = [f for f in SAMPLE_FIELDS if f not in skip]
        q = (
            f"SELECT {', '.join(names)} FROM samples"
            + (" WHERE " + " AND ".join(where) if where else "")
            + f" ORDER BY {order}"
        )
        cur = self.conn.cursor()
        cur.row_factory = None  # plain tuples: decoded here, JSON columns only
        json_at = [i for i, n in enumerate(names) if n in JSON_COLS]
        at_id, at_src = names.index("sample_id"), names.index("source")
        for t in cur.execute(q, args):
            if (
                (only is not None and t[at_id] not in only)
                or (sources is not None and t[at_src] not in sources)
                or t[at_id] in exclude
            ):
                continue
            yield sample_of(names, t, json_at)

    def sample_groups(self, min_grounding: float | None = None) -> Iterator[tuple[str, str, str, int, int]]:
        """(source, task, status, samples, of them with grounding >= ``min_grounding``) of the current
        samples, one row per group (what an export selects and splits by, without reading a sample)."""
        ok = "COUNT(*)" if min_grounding is None else "SUM(CASE WHEN grounding >= ? THEN 1 ELSE 0 END)"
        q = f"SELECT source, task, status, COUNT(*), {ok} FROM samples WHERE stale=0 GROUP BY source, task, status"
        cur = self.conn.cursor()
        cur.row_factory = None
        yield from cur.execute(q, () if min_grounding is None else (min_grounding,))

    def status_counts(self, exclude: Iterable[str] = ()) -> dict[str, int]:
        """Current samples per status, leaving out the statuses in ``exclude``."""
        ex = list(exclude)
        return {
            r[0]: r[1]
            for r in self.conn.execute(
                f"SELECT status, COUNT(*) FROM samples WHERE stale=0 AND status NOT IN ({', '.join('?' * len(ex))})"
                " GROUP BY status ORDER BY status",
                ex,
            )
        }

    def iter_sample_briefs(
        self, status: Iterable[str], order: str = "source, doc_id, task, sample_id"
    ) -> Iterator[tuple[str, str, str, str, float | None, str]]:
        """(sample_id, source, task, status, grounding, chunk_ids as JSON text) of the current samples with
        one of these statuses: what selecting and splitting read, without the text and the other JSON
        columns."""
        sts = list(status)
        q = (
            "SELECT sample_id, source, task, status, grounding, chunk_ids FROM samples"
            f" WHERE stale=0 AND status IN ({', '.join('?' * len(sts))}) ORDER BY {order}"
        )
        cur = self.conn.cursor()
        cur.row_factory = None
        yield from cur.execute(q, sts)

    def update_sample(self, sample_id: str, expected_version: int | None = None, **fields: Any) -> int:
        """Update fields of a sample and bump its version; return the new version.

        Args:
            expected_version: when given, the update only applies if the stored version still matches
                (raises ConflictError otherwise): two review tabs cannot silently overwrite each other.
        """
        sets = ", ".join(f"{k}=?" for k in fields)
        vals = [(dump(v) if k in JSON_COLS else v) for k, v in fields.items()]
        with self.transaction() as c:
            r = c.execute("SELECT version FROM samples WHERE sample_id=?", (sample_id,)).fetchone()
            if r is None:
                raise KeyError(sample_id)
            if expected_version is not None and r[0] != expected_version:
                raise ConflictError(
                    f"sample {sample_id} was changed elsewhere (version {r[0]}, "
                    f"you edited version {expected_version})"
                )
            c.execute(
                f"UPDATE samples SET {sets + ', ' if sets else ''}version=version+1 WHERE sample_id=?",
                (*vals, sample_id),
            )
            return int(r[0]) + 1

    def count_samples(self, by: str = "status") -> dict[str, int]:
        """Counts of current samples grouped by one column (``status``, ``task``, ``source``)."""
        assert by in {"status", "task", "source", "doc_id"}
        return {
            r[0]: r[1]
            for r in self.conn.execute(
                f"SELECT {by}, COUNT(*) FROM samples WHERE stale=0 GROUP BY {by} ORDER BY {by}"
            )
        }

    def reason_counts(self) -> dict[str, int]:
        """How many current samples carry each quality-gate reason."""
        counts: dict[str, int] = {}
        for (reasons,) in self.conn.execute("SELECT reasons FROM samples WHERE stale=0 AND reasons != '[]'"):
            for reason in json.loads(reasons):
                key = str(reason).split(":")[0]
                counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))

    # ---------------------------------------------------------------- candidates and reviews
    def add_candidates(self, cands: Iterable[Candidate]) -> None:
        """Insert candidate answers (ignored when already present)."""
        with self.transaction() as c:
            c.executemany(
                "INSERT OR IGNORE INTO candidates (sample_id, idx, output, temperature, model, rating, rank)"
                " VALUES (?,?,?,?,?,?,?)",
                [(x.sample_id, x.idx, x.output, x.temperature, x.model, x.rating, x.rank) for x in cands],
            )

    def iter_candidates(self, sample_id: str) -> list[Candidate]:
        """The candidate answers of one sample, by index."""
        return [
            Candidate(**dict(r))
            for r in self.conn.execute(
                "SELECT * FROM candidates WHERE sample_id=? ORDER BY idx", (sample_id,)
            )
        ]

    def rate_candidate(self, sample_id: str, idx: int, rating: str | None, rank: int | None = None) -> None:
        """Store a rating (``good``/``fair``/``poor``) and optional rank for one candidate."""
        with self.transaction() as c:
            c.execute(
                "UPDATE candidates SET rating=?, rank=? WHERE sample_id=? AND idx=?",
                (rating, rank, sample_id, idx),
            )

    def rated_sample_ids(self, include_stale: bool = False) -> list[str]:
        """Ids of the (current) samples with at least one rated or ranked candidate, in id order."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT c.sample_id FROM candidates c JOIN samples s USING (sample_id)"
                " WHERE (c.rating IS NOT NULL OR c.rank IS NOT NULL)"
                + ("" if include_stale else " AND s.stale=0")
                + " ORDER BY c.sample_id"
            )
        ]

    def add_review(self, sample_id: str, action: str, reviewer: str, before: Any, after: Any) -> None:
        """Append one entry to a sample's review history."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO reviews (sample_id, action, reviewer, before, after, at) VALUES (?,?,?,?,?,?)",
                (sample_id, action, reviewer, dump(before), dump(after), time.time()),
            )

    def review_history(self, sample_id: str) -> list[dict[str, Any]]:
        """Review history of one sample, oldest first."""
        out = []
        for r in self.conn.execute("SELECT * FROM reviews WHERE sample_id=? ORDER BY id", (sample_id,)):
            d = dict(r)
            d["before"], d["after"] = json.loads(d["before"]), json.loads(d["after"])
            out.append(d)
        return out
