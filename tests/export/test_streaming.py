"""Export streams: samples the filters leave out are never decoded, and no format holds every sample."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpusforge.export import run_export  # noqa: E402
from corpusforge.export.context import ExportContext  # noqa: E402
from corpusforge.records import Sample  # noqa: E402
from corpusforge.store import codec, samples  # noqa: E402
from support.workspaces import endpoint_config, synthetic_workspace  # noqa: E402

N_DOCS, PER_DOC = 40, 15  # 600 samples, one in three passed


def _fill(ws) -> int:
    rows, kept = [], 0
    for d in ws.store.iter_documents():
        for i in range(PER_DOC):
            status = ("passed", "flagged", "dropped")[i % 3]
            kept += status == "passed"
            rows.append(
                Sample(
                    sample_id=f"{d.doc_id}-{i:03d}",
                    task="qa",
                    instruction=f"What does {d.source} say, point {i}?",
                    input="",
                    output=f"Point {i} of {d.source}.",
                    source=d.source,
                    doc_id=d.doc_id,
                    chunk_ids=[f"{d.doc_id}-00000"],
                    status=status,
                    metadata={"lang": "en", "item": i},
                )
            )
    ws.store.add_samples(rows)
    return kept


def test_export_decodes_only_exported_samples_and_never_holds_them_all(tmp_path, monkeypatch):
    ws = synthetic_workspace(tmp_path / "ws", N_DOCS, endpoint_config(["http://127.0.0.1:9/v1"]))
    kept = _fill(ws)
    decoded = [0]

    def counting(*a):
        decoded[0] += 1
        return codec.sample_of(*a)

    monkeypatch.setattr(samples, "sample_of", counting)
    alive: list[int] = []
    write = ExportContext.write_jsonl

    def watching(self, rel, records):
        def watched():
            for i, r in enumerate(records):
                if i == kept // 2:  # half way through a split: how many samples are in memory?
                    alive.append(sum(isinstance(o, Sample) for o in gc.get_objects()))
                yield r

        return write(self, rel, watched())

    monkeypatch.setattr(ExportContext, "write_jsonl", watching)
    formats = ["messages", "alpaca", "sharegpt"]
    s = run_export(ws, formats, tmp_path / "out", validation_size=0, test_size=0)
    ws.close()
    assert s.splits == {"train": kept} and s.skipped == {"status:dropped": kept, "status:flagged": kept}
    # each format reads the split once (nothing is held out: no decontamination scan); flagged and
    # dropped: never
    assert decoded[0] == kept * len(formats)
    assert len(alive) == len(formats) and max(alive) < kept // 4
