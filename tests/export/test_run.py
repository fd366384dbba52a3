"""run_export end to end on a real workspace: formats, filters, provenance, determinism, atomic writes, CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpusforge.cli.app import app
from corpusforge.export import run_export
from corpusforge.export.formats import FORMATS, UnknownFormat
from corpusforge.io import read_jsonl

ALL = list(FORMATS)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_only_passed_and_accepted_with_provenance(export_ws, tmp_path):
    s = run_export(export_ws, ["messages", "alpaca", "sharegpt"], tmp_path / "out")
    ids = set()
    for split in ("train", "validation", "test"):
        for r in read_jsonl(tmp_path / "out" / "messages" / f"{split}.jsonl"):
            sample = export_ws.store.get_sample(r["sample_id"])
            assert sample.status in {"passed", "accepted"}
            assert (
                r["source"] == sample.source
                and r["pages"] == sample.pages
                and r["chunk_ids"] == sample.chunk_ids
            )
            assert [m["role"] for m in r["messages"]] == ["system", "user", "assistant"]
            assert r["messages"][2]["content"] == sample.output
            ids.add(r["sample_id"])
    expected = {x.sample_id for x in export_ws.store.iter_samples(status=["passed", "accepted"])}
    assert ids == expected and sum(s.splits.values()) == len(expected) == 24
    assert (
        s.skipped.get("status:flagged")
        and s.skipped.get("status:rejected")
        and s.skipped.get("status:dropped")
    )
    alpaca = next(read_jsonl(tmp_path / "out" / "alpaca" / "train.jsonl"))
    assert {"instruction", "input", "output", "system", "source", "pages", "chunk_ids"} <= alpaca.keys()
    share = next(read_jsonl(tmp_path / "out" / "sharegpt" / "train.jsonl"))
    assert [t["from"] for t in share["conversations"]] == ["human", "gpt"]


def test_no_source_document_in_two_splits(export_ws, tmp_path):
    s = run_export(export_ws, ["messages", "preference"], tmp_path / "out")
    seen: dict[str, str] = {}
    for kind in ("messages", "preference"):
        for split in ("train", "validation", "test"):
            for r in read_jsonl(tmp_path / "out" / kind / f"{split}.jsonl"):
                assert seen.setdefault(r["source"], split) == split, (
                    f"{r['source']} in {seen[r['source']]} and {split}"
                )
    assert set(seen.values()) == {"train", "validation", "test"}
    assert seen == s.split_of_source
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["split_of_source"] == seen


def test_filters_task_source_score_and_status(export_ws, tmp_path):
    s = run_export(
        export_ws, ["messages"], tmp_path / "a", tasks=["qa"], sources=["*.txt"], min_grounding=0.5
    )
    recs = [r for sp in s.splits for r in read_jsonl(tmp_path / "a" / "messages" / f"{sp}.jsonl")]
    assert recs and all(r["task"] == "qa" and r["source"].endswith(".txt") for r in recs)
    assert all(export_ws.store.get_sample(r["sample_id"]).grounding >= 0.5 for r in recs)
    assert s.skipped["task"] and s.skipped["source"]
    s2 = run_export(
        export_ws, ["messages"], tmp_path / "b", statuses=["flagged"], validation_size=0, test_size=0
    )
    assert s2.splits == {"train": export_ws.store.count_samples()["flagged"]}
    assert s2.empty_splits == ["validation", "test"]
    assert sorted(p.name for p in (tmp_path / "b" / "messages").iterdir()) == ["train.jsonl"]


def test_system_prompt_is_configurable(export_ws, tmp_path):
    out = tmp_path / "out"
    run_export(export_ws, ["messages", "alpaca"], out, system_prompt="你是清溪市自来水公司的客服助手。")
    r = next(read_jsonl(out / "messages" / "train.jsonl"))
    assert r["messages"][0] == {"role": "system", "content": "你是清溪市自来水公司的客服助手。"}
    assert next(read_jsonl(out / "alpaca" / "train.jsonl"))["system"] == "你是清溪市自来水公司的客服助手。"


def test_reexport_is_byte_identical_and_leaves_no_temp_files(export_ws, tmp_path):
    run_export(export_ws, ALL, tmp_path / "one")
    run_export(export_ws, ALL, tmp_path / "two")
    run_export(export_ws, ALL, tmp_path / "two")  # over an existing export
    a, b = _digests(tmp_path / "one"), _digests(tmp_path / "two")
    assert a == b
    assert not [k for k in b if ".tmp" in k or "/." in k or k.startswith(".")]


def test_a_new_export_replaces_the_previous_one_and_keeps_foreign_dataset_info_entries(export_ws, tmp_path):
    out = tmp_path / "out"
    run_export(export_ws, ["alpaca"], out)
    info = json.loads((out / "dataset_info.json").read_text(encoding="utf-8"))
    info["my_hub_data"] = {"hf_hub_url": "org/data"}  # the user's own entries, naming no file of the export
    info["my_local_data"] = {"file_name": "/data/mine.jsonl"}
    (out / "dataset_info.json").write_text(json.dumps(info), encoding="utf-8")
    run_export(export_ws, ["sharegpt", "pretrain", "preference"], out)
    info = json.loads((out / "dataset_info.json").read_text(encoding="utf-8"))
    assert {
        "corpusforge_sharegpt_test",
        "corpusforge_pretrain",
        "corpusforge_ranking_validation",
        "my_hub_data",
        "my_local_data",
    } <= info.keys()
    assert not [k for k in info if "alpaca" in k] and not (out / "alpaca").exists()  # one export, one split
    assert info["corpusforge_ranking_train"]["ranking"] is True
    assert info["corpusforge_pretrain"]["columns"] == {"prompt": "text"}
    for name, entry in info.items():
        assert name.startswith("my_") or (out / entry["file_name"]).is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["formats"] == ["sharegpt", "pretrain", "preference"]
    assert {p.name for p in out.iterdir()} == {"sharegpt", "pretrain", "preference"} | {
        "dataset_info.json",
        "manifest.json",
    }


def test_pretrain_from_store_chunks_or_corpus_jsonl(export_ws, workspace, tmp_path):
    run_export(export_ws, ["pretrain"], tmp_path / "a", sources=["*.txt"])
    recs = list(read_jsonl(tmp_path / "a" / "pretrain" / "corpus.jsonl"))
    assert recs and all(r["source"].endswith(".txt") and r["chunk_id"] and r["pages"] for r in recs)
    # a workspace without chunks reads out/corpus.jsonl; a bad line is skipped with a warning
    ws2 = __import__("corpusforge.workspace", fromlist=["init_workspace"]).init_workspace(tmp_path / "ws2")
    (ws2.out_dir).mkdir()
    (ws2.out_dir / "corpus.jsonl").write_text(
        '{"text": "Mains are flushed each spring.", "source": "ops.pdf", "pages": [3], "chunk_id": "x-00000",'
        ' "tags": {"topic": "mains"}}\n'
        '{"source": "broken.pdf"}\n',
        encoding="utf-8",
    )
    run_export(ws2, ["pretrain"], tmp_path / "b")
    assert list(read_jsonl(tmp_path / "b" / "pretrain" / "corpus.jsonl")) == [
        {
            "text": "Mains are flushed each spring.",
            "source": "ops.pdf",
            "pages": [3],
            "chunk_id": "x-00000",
            "tags": {"topic": "mains"},
        }
    ]
    ws2.close()


def test_preference_records_follow_trl_and_lf_shapes(export_ws, tmp_path):
    s = run_export(export_ws, ["preference"], tmp_path / "out")
    assert (
        sum(s.pair_splits.values()) == 3 * 8
    )  # 3 pairs (good>fair, good>poor, fair>poor) per passed qa sample
    r = next(read_jsonl(tmp_path / "out" / "preference" / "train.jsonl"))
    assert [m["role"] for m in r["prompt"]] == ["system", "user"]
    assert r["chosen"][0]["role"] == r["rejected"][0]["role"] == "assistant"
    assert r["chosen"] != r["rejected"] and r["source"] and r["chunk_ids"]
    lf = next(read_jsonl(tmp_path / "out" / "preference" / "ranking_train.jsonl"))
    assert isinstance(lf["chosen"], str) and lf["instruction"] == r["prompt"][1]["content"]
    run_export(export_ws, ["preference"], tmp_path / "std", preference_style="standard")
    assert isinstance(next(read_jsonl(tmp_path / "std" / "preference" / "train.jsonl"))["prompt"], str)


def test_unknown_format_and_bad_option_fail_before_writing(export_ws, tmp_path):
    with pytest.raises(UnknownFormat, match="parquet"):
        run_export(export_ws, ["messages", "parquet"], tmp_path / "x")
    with pytest.raises(ValueError, match="colour"):
        run_export(export_ws, ["messages"], tmp_path / "x", colour="red")
    assert not (tmp_path / "x").exists()


def test_cli_lists_formats_and_exports(export_ws, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["--workspace", str(export_ws.root), "export", "--list-formats"])
    assert res.exit_code == 0 and all(name in res.output for name in FORMATS)
    res = runner.invoke(
        app,
        [
            "--workspace",
            str(export_ws.root),
            "export",
            "-f",
            "messages",
            "-f",
            "alpaca",
            "--out",
            str(tmp_path / "cli"),
            "--task",
            "qa",
            "--system-prompt",
            "Be brief.",
        ],
    )
    assert res.exit_code == 0, res.output
    r = next(read_jsonl(tmp_path / "cli" / "messages" / "train.jsonl"))
    assert r["task"] == "qa" and r["messages"][0]["content"] == "Be brief."
    res = runner.invoke(
        app, ["--workspace", str(export_ws.root), "export", "-f", "csv", "--out", str(tmp_path)]
    )
    assert res.exit_code == 1 and "unknown export format 'csv'" in res.output


def test_rag_samples_showing_other_split_documents_are_counted_or_dropped(export_ws, tmp_path):
    from corpusforge.records import Sample

    where = run_export(export_ws, ["messages"], tmp_path / "a").split_of_source
    a = next(s for s, sp in where.items() if sp == "train")
    b = next(s for s, sp in where.items() if sp == "test")
    chunk_a = next(c for c in export_ws.store.iter_chunks() if c.source == a)
    chunk_b = next(c for c in export_ws.store.iter_chunks() if c.source == b)
    export_ws.store.add_samples(
        [
            Sample(
                sample_id="rag-cross",
                task="rag",
                instruction="Answer from the passages.",
                input="[1] ...\n\n[2] ...",
                output="... [a]",
                source=a,
                doc_id=chunk_a.doc_id,
                pages=chunk_a.pages,
                chunk_ids=[chunk_a.chunk_id, chunk_b.chunk_id],
                status="passed",
            )
        ]
    )
    s = run_export(export_ws, ["messages"], tmp_path / "b")
    assert s.cross_split == 1 and s.split_of_source == where
    assert "rag-cross" in {r["sample_id"] for r in read_jsonl(tmp_path / "b" / "messages" / "train.jsonl")}
    s = run_export(export_ws, ["messages"], tmp_path / "c", drop_cross_split=True)
    assert s.skipped["cross_split"] == 1
    assert "rag-cross" not in {
        r["sample_id"] for r in read_jsonl(tmp_path / "c" / "messages" / "train.jsonl")
    }


def test_pretrain_splits_follow_the_sample_split_and_empty_hf_split_exports(export_ws, tmp_path):
    out = tmp_path / "out"
    summary = run_export(export_ws, ["messages", "pretrain", "hf"], out, validation_size=0.0)
    assert summary.empty_splits == ["validation"] and set(summary.splits) == {"train", "test"}
    where = {}
    for split in summary.splits:
        for r in read_jsonl(out / "messages" / f"{split}.jsonl"):
            where[r["source"]] = split
    seen = {}
    for split in summary.splits:
        for r in read_jsonl(out / "pretrain" / f"{split}.jsonl"):
            assert where.get(r["source"], "train") == split
            seen.setdefault(r["source"], set()).add(split)
    assert seen and all(len(v) == 1 for v in seen.values())
    assert sum(1 for _ in read_jsonl(out / "pretrain" / "corpus.jsonl")) == sum(
        sum(1 for _ in read_jsonl(out / "pretrain" / f"{s}.jsonl")) for s in summary.splits
    )
    assert not [p for p in out.rglob("*") if "validation" in p.name]
    # validation is empty: hf/ leaves it out and still loads both ways
    from datasets import load_dataset, load_from_disk

    dd = load_from_disk(str(out / "hf"))
    assert "validation" not in dd and len(dd["train"]) > 0
    assert set(load_dataset(str(out / "hf"))) == set(dd)
