"""Write actions of the review app: edit, accept, reject and rate, each stored with its history.

Each action checks the version the reviewer saw, changes the sample and appends the history entry in ONE
transaction (the store calls made inside ``store.transaction()`` join it), so an edit is never stored
without its history and two tabs never overwrite each other silently (the second gets
:class:`~corpusforge.store.ConflictError`).
"""

from __future__ import annotations

from typing import Any

from corpusforge.records import Sample
from corpusforge.review.preferences import RATING_ORDER
from corpusforge.store import ConflictError, Store

EDITABLE = ("instruction", "input", "output")
ACTIONS = {"save": None, "accept": "accepted", "reject": "rejected"}


def _messages(sample: Sample, changes: dict[str, Any]) -> list[dict[str, str]] | None:
    """The sample's chat turns with the edited question/answer, or None when it has none stored."""
    if not sample.messages:
        return None
    instruction = changes.get("instruction", sample.instruction)
    inp = changes.get("input", sample.input)
    user = instruction if not inp else f"{instruction}\n\n{inp}"
    msgs = [dict(m) for m in sample.messages]
    users = [i for i, m in enumerate(msgs) if m.get("role") == "user"]
    bots = [i for i, m in enumerate(msgs) if m.get("role") == "assistant"]
    if users:
        msgs[users[0]]["content"] = user
    if bots:
        msgs[bots[-1]]["content"] = changes.get("output", sample.output)
    return msgs


def review_sample(
    store: Store,
    sample_id: str,
    *,
    expected_version: int,
    action: str,
    reviewer: str,
    edits: dict[str, str] | None = None,
) -> tuple[int, bool]:
    """Apply an edit and/or a decision to one sample, with history.

    Args:
        expected_version: the version the reviewer's page was rendered from.
        action: ``save`` (edit only), ``accept`` or ``reject``.
        edits: new values of ``instruction``, ``input``, ``output`` (missing keys stay as they are).

    Returns:
        ``(version, changed)``: the sample's version afterwards and whether anything was written.

    Raises:
        ConflictError: the sample changed since ``expected_version`` (another tab or reviewer).
        KeyError: no such sample.
        ValueError: unknown action.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown review action {action!r} (expected one of {', '.join(ACTIONS)})")
    with store.transaction():
        sample = store.get_sample(sample_id)
        if sample is None:
            raise KeyError(sample_id)
        if sample.version != expected_version:
            raise ConflictError(
                f"sample {sample_id} was changed elsewhere (version {sample.version}, "
                f"you edited version {expected_version})"
            )
        changes: dict[str, Any] = {
            k: v.replace("\r\n", "\n")
            for k, v in (edits or {}).items()
            if k in EDITABLE and v.replace("\r\n", "\n") != getattr(sample, k)
        }
        status = ACTIONS[action]
        if status and status != sample.status:
            changes["status"] = status
        if not changes:
            return sample.version, False
        before: dict[str, Any] = {k: getattr(sample, k) for k in changes}
        msgs = _messages(sample, changes) if set(changes) & set(EDITABLE) else None
        if msgs is not None:
            changes["messages"] = msgs
        store.update_sample(sample_id, **changes)
        after = {k: v for k, v in changes.items() if k != "messages"}
        before["version"], after["version"] = sample.version, sample.version + 1
        name = (
            "edit"
            if action == "save"
            else (action if set(after) <= {"status", "version"} else f"edit+{action}")
        )
        store.add_review(sample_id, name, reviewer, before, after)
    return sample.version + 1, True


def rate_candidates(
    store: Store,
    sample_id: str,
    *,
    ratings: dict[int, str | None],
    ranks: dict[int, int] | None,
    reviewer: str,
) -> int:
    """Store ratings (``good``/``fair``/``poor`` or None) and optional ranks of a sample's candidates.

    The form always sends the whole state: a candidate missing from ``ranks`` loses its rank (1 = best),
    so switching back from a drag order to plain ratings never leaves stale ranks deciding the pairs.

    Returns:
        How many candidates changed (a history entry ``rate`` records before and after).

    Raises:
        ValueError: a rating outside good/fair/poor, or an index the sample has no candidate for.
    """
    cands = {c.idx: c for c in store.iter_candidates(sample_id)}
    for idx, rating in ratings.items():
        if idx not in cands:
            raise ValueError(f"sample {sample_id} has no candidate {idx}")
        if rating is not None and rating not in RATING_ORDER:
            raise ValueError(f"candidate {idx}: rating {rating!r} is not one of {', '.join(RATING_ORDER)}")
    ranks = ranks or {}
    before: dict[str, dict[str, Any]] = {}
    after: dict[str, dict[str, Any]] = {}
    for idx, cand in cands.items():
        new = (ratings.get(idx, cand.rating), ranks.get(idx))
        if new != (cand.rating, cand.rank):
            before[str(idx)] = {"rating": cand.rating, "rank": cand.rank}
            after[str(idx)] = {"rating": new[0], "rank": new[1]}
    if not after:
        return 0
    with store.transaction():
        for key, v in after.items():
            store.rate_candidate(sample_id, int(key), v["rating"], v["rank"])
        store.add_review(sample_id, "rate", reviewer, before, after)
    return len(after)
