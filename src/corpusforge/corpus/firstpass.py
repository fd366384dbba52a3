"""The corpus build's first pass over the documents: what must be known before any chunk is written.

One read of every document's pages gives (a) the document counts of lines for the shared-boilerplate
filter, (b) the near-copy document clusters (``corpus.near_dup``) and (c) the held-out text the training
chunks are checked against: ``eval.contamination_files`` and the documents of the validation and test
splits. The split of a source is the one the export assigned (``split_of_source`` in the export folder's
``manifest.json``, the same deterministic assignment every export makes); before the first export no
split is known and only the evaluation files are checked.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import numpy as np

from corpusforge.corpus.boilerplate import SharedLines
from corpusforge.corpus.clusters import DocClusters, cluster_documents, doc_sample
from corpusforge.corpus.decontam import OverlapIndex, index_files
from corpusforge.corpus.lsh import exact_key
from corpusforge.corpus.normalize import normalize_text
from corpusforge.records import Document
from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


@dataclass
class FirstPass:
    """What the first pass found."""

    shared: SharedLines | None = None
    clusters: DocClusters = field(default_factory=DocClusters)
    heldout: OverlapIndex | None = None
    split_of_source: dict[str, str] = field(default_factory=dict)


def held_out_splits(ws: Workspace) -> dict[str, str]:
    """Source -> ``validation`` or ``test`` from the last export's manifest ({} when there is none)."""
    path = ws.root / ws.config.export.out_dir / MANIFEST
    if not path.is_file():
        return {}
    try:
        where = json.loads(path.read_text(encoding="utf-8")).get("split_of_source", {})
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError) as e:
        log.warning("%s: cannot read the split of each source (%s); splits not checked", path, e)
        return {}
    return {str(s): str(v) for s, v in where.items() if v in ("validation", "test")}


def first_pass(ws: Workspace, docs: list[Document]) -> FirstPass:
    """Read every document once; see the module docstring.

    Raises:
        corpusforge.corpus.decontam.ContaminationFileError: an evaluation file cannot be read.
    """
    cfg = ws.config.corpus
    c, nd, d = cfg.shared_boilerplate, cfg.near_dup, cfg.decontam
    t2s = cfg.clean.traditional_to_simplified
    out = FirstPass()
    if c.enabled:
        out.shared = SharedLines(c.min_docs, c.min_chars, list(c.allow))
    files = ws.config.eval.contamination_files
    if d.enabled:
        out.split_of_source = held_out_splits(ws)
        if files or out.split_of_source:
            out.heldout = index_files(
                [ws.root / f for f in files], d.char_ngram, d.word_ngram, d.min_overlaps
            )
    samples: list[np.ndarray] = []
    lengths: list[int] = []
    exact: list[int] = []
    for doc in docs:
        texts = [p.text for p in ws.store.iter_pages(doc.doc_id)]
        if out.shared is not None:
            out.shared.add_document(line for t in texts for line in normalize_text(t, t2s).split("\n"))
        split = out.split_of_source.get(doc.source)
        if split and out.heldout is not None:
            for t in texts:
                out.heldout.add(t, f"{split}:{doc.source}")
        if nd.enabled:
            whole = "\n".join(texts)
            samples.append(doc_sample(nd, whole))
            lengths.append(len(whole))
            exact.append(exact_key(whole))
    if nd.enabled:
        out.clusters = cluster_documents(nd, samples, lengths, exact)
        log.info("corpus: %d documents are near copies of others", len(out.clusters.removed))
    if out.shared is not None:
        log.info("corpus: %d lines shared by >= %d documents", len(out.shared.texts), c.min_docs)
    return out
