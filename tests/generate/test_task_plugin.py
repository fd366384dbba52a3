"""A new task is one module (plus its two prompt files) and one registry line: a toy task, end to end.

The toy task lives in a temporary folder, outside the package, with its prompts beside it; it is
registered with one ``TASKS.register`` line and run by ``generate`` with the real embedded model.
"""

from __future__ import annotations

import sys
import textwrap

import pytest
from gen_helpers import make_workspace
from typer.testing import CliRunner

from corpusforge.cli.app import app
from corpusforge.generate.tasks import TASKS

TOY_TASK = '''
"""``toy``: up to three key words of a passage (a label-like answer: not held to the grounding threshold)."""

from pathlib import Path

from corpusforge.generate.tasks.base import Task, texts


class ToyTask(Task):
    name = "toy"
    with_input = True
    grounded = False
    item_in_metadata = True
    prompt_folder = Path(__file__).parent

    def schema(self, cfg, n):
        words = {"type": "array", "items": {"type": "string", "maxLength": 30}, "minItems": 1, "maxItems": 3}
        return {"type": "object", "properties": {"keywords": words}, "required": ["keywords"]}

    def valid(self, item, cfg):
        words = texts(item.get("keywords")) if isinstance(item, dict) else []
        return {"keywords": words} if words else None

    def fields(self, item, prompt, cfg):
        return prompt.fill("instruction"), prompt.fill("output", keywords=", ".join(item["keywords"]))


TASK = ToyTask()
'''

PROMPTS = {
    "toy.en.yaml": """\
        version: 1
        request: |-
          Give up to three key words of the passage above.
          Reply as JSON, e.g. {"keywords": ["pipes", "repairs"]}
        instruction: "Give the key words of the following passage."
        output: "{keywords}"
        """,
    "toy.zh.yaml": """\
        version: 1
        request: |-
          给出上面文段的至多三个关键词。
          以 JSON 回复，例如：{"keywords": ["水管", "维修"]}
        instruction: "给出下面这段文字的关键词。"
        output: "{keywords}"
        """,
}


@pytest.fixture
def toy_task(tmp_path):
    """The toy task module and its prompts in a temporary folder on sys.path, registered as ``toy``."""
    folder = tmp_path / "plugin"
    folder.mkdir()
    (folder / "toy_task.py").write_text(TOY_TASK, encoding="utf-8")
    for name, text in PROMPTS.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    sys.path.insert(0, str(folder))
    TASKS.register("toy", "toy_task:TASK")
    try:
        yield folder
    finally:
        TASKS.unregister("toy")
        sys.path.remove(str(folder))
        sys.modules.pop("toy_task", None)


@pytest.mark.slow
def test_a_toy_task_module_runs_end_to_end(toy_task, tmp_path):
    from corpusforge.generate.runner import generate

    # every grounded answer would fall below a threshold of 1.0: the toy declares grounded = False
    ws = make_workspace(tmp_path / "ws", extra="quality:\n  grounding_threshold: 1.0\n")
    try:
        summary = generate(ws, tasks=["toy"])
        samples = list(ws.store.iter_samples(task="toy"))
        assert samples, summary.errors
        assert set(summary.by_task) == {"toy"} and summary.samples == len(samples)
        chunks = {c.chunk_id: c for c in ws.store.iter_chunks()}
        for s in samples:
            [cid] = s.chunk_ids
            chunk = chunks[cid]
            assert (s.source, s.doc_id, s.pages, s.input) == (
                chunk.source,
                chunk.doc_id,
                chunk.pages,
                chunk.text,
            )
            assert (
                s.prompt_version == "toy.en.v1"
                and s.instruction == "Give the key words of the following passage."
            )
            assert s.metadata["toy"]["keywords"] and s.output == ", ".join(s.metadata["toy"]["keywords"])
            assert ws.store.cache_get(s.request_key) is not None
            assert s.status in ("passed", "flagged", "dropped") and s.grounding is not None
            assert "low_grounding" not in s.reasons, s.reasons
        again = generate(ws, tasks=["toy"])  # answered from the cache: the same samples
        assert again.requests == 0 and again.new_samples == 0
    finally:
        ws.close()


def test_generate_help_lists_the_registered_tasks(toy_task):
    res = CliRunner().invoke(app, ["generate", "--help"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.replace("│", " ").split())  # the help as one line, without the box
    assert f"Task to run (repeatable): {', '.join(TASKS.names())}." in text
    assert TASKS.names()[-1] == "toy" and "rag, toy." in text


def test_a_missing_prompt_file_of_a_task_is_one_line(toy_task):
    from corpusforge.generate.prompts import PromptError, load_prompt

    (toy_task / "toy.zh.yaml").unlink()
    assert load_prompt("toy", "en", folder=TASKS["toy"].prompt_folder).version == "toy.en.v1"
    with pytest.raises(PromptError, match=r"no prompt file .*toy\.zh\.yaml"):
        load_prompt("toy", "zh", folder=TASKS["toy"].prompt_folder)
