"""The optional LLM judge through the real LLMClient and the embedded model, in-process (llama.cpp)."""

import pytest

from corpusforge.quality.config import JudgeConfig, QualityConfig
from corpusforge.quality.gate import QualityGate

CTX = "青溪市自来水公司成立于1987年3月12日，负责中心城区的供水。服务热线966123实行7×24小时服务。"


@pytest.mark.slow
def test_judge_with_embedded_model(workspace):
    pytest.importorskip("llama_cpp")
    from corpusforge.llm import LLMConfig

    cfg = QualityConfig(judge=JudgeConfig(enabled=True, weight=0.5, max_tokens=16))
    gate = QualityGate(
        cfg, backend=LLMConfig(backend="llamacpp", n_ctx=1024, n_threads=1), store=workspace.store
    )
    v = gate.check("公司什么时候成立？", "公司成立于1987年3月12日。", CTX)
    # the schema-constrained reply always parses to a 1-5 score, mapped to [0, 1]
    assert v.scores["judge"] in {0.0, 0.25, 0.5, 0.75, 1.0}
    assert v.scores["lexical"] == 1.0
    assert v.grounding == round(0.5 * 1.0 + 0.5 * v.scores["judge"], 4)
    # the request and reply are logged in the workspace's LLM cache; a second gate reuses it
    assert workspace.store.counts()["llm_cache"] == 1
    again = QualityGate(
        cfg, backend=LLMConfig(backend="llamacpp", n_ctx=1024, n_threads=1), store=workspace.store
    )
    assert (
        again.check("公司什么时候成立？", "公司成立于1987年3月12日。", CTX).scores["judge"]
        == v.scores["judge"]
    )
    assert workspace.store.counts()["llm_cache"] == 1


@pytest.mark.slow
def test_cli_check_jsonl_with_judge(tmp_path):
    pytest.importorskip("llama_cpp")
    import json

    from typer.testing import CliRunner

    from corpusforge.cli.app import app

    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps(
            {"question": "服务热线是多少？", "answer": "服务热线是966123。", "context": CTX},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(
        app, ["-w", str(tmp_path), "check", "--jsonl", str(src), "--out", str(out), "--judge"]
    )
    assert r.exit_code == 0, r.output
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["scores"]["judge"] in {0.0, 0.25, 0.5, 0.75, 1.0}
