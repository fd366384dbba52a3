"""Routes of one sample: review beside the source passage (edit, accept, reject, skip) and rate candidates."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from corpusforge.records import Sample
from corpusforge.review import queries
from corpusforge.review.actions import EDITABLE, rate_candidates, review_sample
from corpusforge.review.highlight import evidence_segments, highlight
from corpusforge.review.preferences import RATING_ORDER, pairs_for_sample
from corpusforge.review.web import field, reviewer_of, url
from corpusforge.store import ConflictError

DONE_MSG = {"save": "saved", "accept": "accepted", "reject": "rejected", "skip": "skipped"}


def _passages(store: Any, sample: Sample, n: int) -> list[dict[str, Any]]:
    """The sample's source chunks, each cut into highlighted segments of support for its answer."""
    out = []
    for cid in sample.chunk_ids:
        chunk = store.get_chunk(cid)
        if chunk is None:
            out.append({"chunk_id": cid, "missing": True})
            continue
        hl = highlight(sample.output, chunk.text, n)
        spans = [
            (int(e["start"]), int(e["end"]))
            for e in sample.evidence or []
            if e.get("chunk_id") == cid and e.get("start") is not None and e.get("end") is not None
        ]
        out.append(
            {
                "chunk_id": cid,
                "missing": False,
                "source": chunk.source,
                "pages": chunk.pages,
                "segments": hl.segments,
                "coverage": hl.coverage,
                "evidence": evidence_segments(chunk.text, spans),
            }
        )
    return out


def register(app: FastAPI) -> None:
    """Add the sample and rating routes to the app built by :func:`corpusforge.review.app.create_app`."""
    ws, render, form = app.state.ws, app.state.render, app.state.form

    def load(sample_id: str) -> Sample:
        sample = ws.store.get_sample(sample_id)
        if sample is None:
            raise HTTPException(404, f"no sample {sample_id}")
        return sample

    @app.api_route("/sample/{sample_id}", methods=["GET", "HEAD"])
    async def sample_view(request: Request, sample_id: str) -> Response:
        sample = load(sample_id)
        f = queries.Filters.from_params(request.query_params)
        return render(
            request,
            "sample.html",
            s=sample,
            params=f.params(),
            passages=_passages(ws.store, sample, ws.config.review.highlight_ngram),
            prev_id=ws.store.neighbour(f, sample_id, forward=False),
            next_id=ws.store.neighbour(f, sample_id, forward=True),
            n_cands=len(ws.store.iter_candidates(sample_id)),
            history=ws.store.review_history(sample_id)[::-1],
        )

    @app.post("/sample/{sample_id}")
    async def sample_post(request: Request, sample_id: str) -> Response:
        data = await form(request)
        sample = load(sample_id)
        f = queries.Filters.from_params(data)
        action = field(data, "action") or "save"
        if action not in DONE_MSG:
            raise HTTPException(400, f"unknown action {action!r}")
        changed = True
        if action != "skip":
            edits = {k: v for k in EDITABLE if isinstance(v := data.get(k), str)}
            try:
                version = int(field(data, "version"))
            except ValueError:
                raise HTTPException(400, "the form lacks the sample version: reload the page") from None
            try:
                _, changed = review_sample(
                    ws.store,
                    sample_id,
                    expected_version=version,
                    action=action,
                    reviewer=reviewer_of(request),
                    edits=edits,
                )
            except ConflictError:
                return render(
                    request,
                    "conflict.html",
                    status_code=409,
                    s=sample,
                    mine=edits,
                    my_version=version,
                    action=action,
                    params=f.params(),
                )
        if action == "save":
            return RedirectResponse(
                url(f"/sample/{sample_id}", f.params(), msg="saved" if changed else "unchanged"),
                status_code=303,
            )
        nxt = ws.store.neighbour(f, sample_id, forward=True)
        if nxt is None:
            return RedirectResponse(url("/", f.params(), msg="end"), status_code=303)
        return RedirectResponse(url(f"/sample/{nxt}", f.params(), msg=DONE_MSG[action]), status_code=303)

    @app.api_route("/sample/{sample_id}/rate", methods=["GET", "HEAD"])
    async def rate_view(request: Request, sample_id: str) -> Response:
        sample = load(sample_id)
        cands = ws.store.iter_candidates(sample_id)
        if any(c.rank is not None for c in cands):
            cands.sort(key=lambda c: (c.rank is None, c.rank or 0, c.idx))
        return render(
            request,
            "rate.html",
            s=sample,
            cands=cands,
            ratings=list(RATING_ORDER),
            params=queries.Filters.from_params(request.query_params).params(),
            passages=_passages(ws.store, sample, ws.config.review.highlight_ngram),
            pairs=pairs_for_sample(ws.store, sample_id),
        )

    @app.post("/sample/{sample_id}/rate")
    async def rate_post(request: Request, sample_id: str) -> Response:
        data = await form(request)
        load(sample_id)
        idxs = [c.idx for c in ws.store.iter_candidates(sample_id)]
        ratings = {i: field(data, f"rating_{i}") or None for i in idxs}
        ranks = None
        if data.get("use_order") == "1":
            try:
                order = [int(x) for x in field(data, "order").split(",") if x.strip()]
            except ValueError:
                raise HTTPException(400, "order must be candidate numbers separated by commas") from None
            if sorted(order) != sorted(idxs):
                raise HTTPException(400, "order must list every candidate exactly once")
            ranks = {idx: pos + 1 for pos, idx in enumerate(order)}
        try:
            rate_candidates(ws.store, sample_id, ratings=ratings, ranks=ranks, reviewer=reviewer_of(request))
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        f = queries.Filters.from_params(data)
        if data.get("next") == "1":  # on to the next sample of this list whose candidates await a rating
            nxt = ws.store.neighbour(replace(f, cands="unrated"), sample_id, forward=True)
            if nxt is None:
                return RedirectResponse(url("/", f.params(), msg="allrated"), status_code=303)
            return RedirectResponse(url(f"/sample/{nxt}/rate", f.params(), msg="rated"), status_code=303)
        return RedirectResponse(url(f"/sample/{sample_id}/rate", f.params(), msg="rated"), status_code=303)
