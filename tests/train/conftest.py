"""Fixtures of the train tests: small export-layout data (a fictional water utility) and one shared SFT run.

Torch is pinned to one thread: on the shared 2-core machine, OpenMP threads spinning against other
processes made a step ~6x slower than a single thread.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FACTS = [
    (
        "When does the Qingxi water utility read meters?",
        "Meters are read on the first working day of each month.",
    ),
    (
        "How do I report a burst pipe?",
        "Call the 24-hour service line 0571-555-0100 and give the street address.",
    ),
    ("What is the basic household water tariff?", "The basic household tariff is 3.20 yuan per cubic metre."),
    (
        "How long does a new connection take?",
        "A new household connection is installed within ten working days.",
    ),
]
SYSTEM = "You answer questions about the Qingxi City Water Utility."
TOPICS = [
    "meter reading",
    "burst pipes",
    "water tariffs",
    "new connections",
    "water quality testing",
    "billing questions",
    "leak detection",
    "reservoir levels",
]


def _write(path: Path, rows: list, bad: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    if bad is not None:
        lines.insert(1, bad)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_export(root: Path) -> Path:
    """An export folder with messages/, preference/ and pretrain/ files, each with one bad line."""
    msgs = [
        {
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": q},
                {"role": "assistant", "content": a},
            ],
            "source": "guide.pdf",
            "pages": [1],
            "task": "qa",
            "sample_id": f"s{i}",
        }
        for i, (q, a) in enumerate(FACTS)
    ]
    _write(
        root / "messages" / "train.jsonl",
        msgs,
        bad='{"messages": [{"role": "user", "content": "no answer"}]}',
    )
    prefs = [
        {
            "prompt": q,
            "chosen": a,
            "rejected": "I am not sure, please ask someone else.",
            "sample_id": f"s{i}",
        }
        for i, (q, a) in enumerate(FACTS)
    ]
    _write(root / "preference" / "train.jsonl", prefs, bad="{not json")
    texts = [
        {
            "text": f"Section {i + 1}: {t}. The Qingxi City Water Utility handles {t} through its district "
            f"offices. Staff record every {t} request in the service log within one working day, and "
            f"customers receive a reference number. The operations board reviews {t} each quarter and "
            "publishes a short summary on the utility notice board.",
            "source": "guide.pdf",
        }
        for i, t in enumerate(TOPICS * 2)
    ]
    _write(root / "pretrain" / "corpus.jsonl", texts, bad='{"text": ""}')
    return root


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)  # leave other stages' tests as they were


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory) -> Path:
    """A small export (messages, preference, pretrain) with one malformed line per file."""
    return write_export(tmp_path_factory.mktemp("export"))


FAST = dict(
    max_length=128,
    per_device_train_batch_size=4,
    gradient_accumulation_steps=1,
    logging_steps=1,
    warmup_ratio=0.0,
    gradient_checkpointing=False,
    general_share=0.0,
    lr=2e-3,
)


@pytest.fixture(scope="session")
def fast() -> dict:
    """Recipe overrides for quick CPU runs: short sequences, one batch per step, a high learning rate."""
    return dict(FAST)


@pytest.fixture(scope="session")
def sft_ws(tmp_path_factory, smollm_hf_dir):
    """A workspace whose train.base_model is the cached SmolLM2 folder."""
    from corpusforge.workspace import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("ws"))
    ws.config.train.base_model = smollm_hf_dir
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def sft_run(sft_ws, export_dir, tmp_path_factory):
    """Two LoRA SFT steps on the same four samples, recorded in a workspace store."""
    from corpusforge.train.run import train

    out = tmp_path_factory.mktemp("runs") / "sft"
    return train("sft", export_dir, out, method="lora", max_steps=2, ws=sft_ws, **FAST)
