"""Record the questions the embedded model (SmolLM2-135M) writes for the quickstart chunks (task ``rag``).

Writes ``data/quickstart_smollm_rag.jsonl`` (question, answer, source, first 30 characters of the chunk,
gate status and reasons), which ``test_search.py`` uses for recall@5 of generated questions. Run by hand
(takes minutes on a CPU): ``python tests/kb/record_smollm_rag.py``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def main() -> int:
    """Ingest, chunk and run the rag task with the default (embedded) backend; dump every sample."""
    from corpusforge.corpus.pipeline import build_corpus
    from corpusforge.generate.runner import generate
    from corpusforge.ingest.pipeline import ingest_paths
    from corpusforge.workspace import init_workspace

    ws = init_workspace(Path(tempfile.mkdtemp()) / "ws")
    ingest_paths(ws, [ROOT / "examples" / "quickstart" / "docs"])
    build_corpus(ws)
    generate(ws, tasks=["rag"])
    out = HERE / "data" / "quickstart_smollm_rag.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        for s in ws.store.iter_samples(task="rag"):
            chunk = ws.store.get_chunk(s.chunk_ids[0])
            f.write(
                json.dumps(
                    {
                        "question": s.metadata.get("question") or s.instruction,
                        "answer": s.output,
                        "source": s.source,
                        "chunk_start": chunk.text[:30],
                        "status": s.status,
                        "reasons": s.reasons,
                        "model": s.model,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    sys.stderr.write(f"wrote {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
