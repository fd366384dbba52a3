"""check_jsonl, check_workspace and the `corpusforge check` command, end to end on real files and SQLite."""

import json

from typer.testing import CliRunner

from corpusforge.cli.app import app
from corpusforge.generate.tasks import TASKS
from corpusforge.quality.check import check_jsonl, check_workspace
from corpusforge.records import Chunk, Sample

CTX = (
    "青溪市自来水公司成立于1987年3月12日，负责中心城区的供水。服务热线966123实行7×24小时服务。"
    "用户投诉应在3个工作日内答复，涉及水质的投诉应在4小时内派员上门取样检测。"
)


def _jsonl(path, rows):
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
        encoding="utf-8",
    )
    return path


def test_check_jsonl_scores_and_skips_bad_lines(tmp_path):
    src = _jsonl(
        tmp_path / "in.jsonl",
        [
            {
                "id": "a",
                "question": "公司什么时候成立？",
                "answer": "公司成立于1987年3月12日。",
                "context": CTX,
            },
            {
                "id": "b",
                "question": "水质投诉多久上门？",
                "answer": "涉及水质的投诉应在6小时内派员上门。",
                "context": [CTX],
            },
            "{not json",
            {"question": "只有问题"},
            {"instruction": "服务热线是多少？", "output": "服务热线是966123。", "input": CTX},
        ],
    )
    res = check_jsonl(src, tmp_path / "out.jsonl", tasks=TASKS)
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["verdict"] for r in out] == ["passed", "dropped", "passed"]
    assert "invented_number:6" in out[1]["reasons"] and out[1]["grounding"] < 0.5
    assert out[0]["id"] == "a" and out[0]["grounding"] == 1.0
    assert (res["records"], res["passed"], res["dropped"], res["skipped"]) == (3, 2, 1, 2)
    assert res["reasons"]["invented_number"] == 1
    assert res["errors"][0].endswith(
        "in.jsonl:3: not valid JSON: Expecting property name enclosed in double quotes"
    )
    assert "in.jsonl:4: missing field answer, context" in res["errors"][1]


def _fill(ws):
    ws.store.put_chunks(
        "d1", [Chunk(chunk_id="d1-00000", doc_id="d1", source="rules.txt", pages=[1], text=CTX, lang="zh")]
    )

    def s(sid, q, a, status="generated", chunk="d1-00000", created=0.0):
        return Sample(
            sample_id=sid,
            task="qa",
            instruction=q,
            input="",
            output=a,
            source="rules.txt",
            doc_id="d1",
            chunk_ids=[chunk],
            status=status,
            created_at=created,
        )

    ws.store.add_samples(
        [
            s("s1", "公司是什么时候成立的？", "青溪市自来水公司是在1987年3月12日成立的。", created=1),
            s("s2", "公司什么时候成立？", "公司成立于1987年3月12日。", created=2),
            s("s3", "服务热线是多少？", "服务热线是966124。", created=3),
            s("s4", "投诉多久答复？", "作为一个AI，我无法回答。", status="accepted", created=4),
            s("s5", "营业时间？", "周一至周六。", chunk="gone-00000", created=5),
            s("s6", "热线服务时间？", "服务热线966123实行7×24小时服务。" * 4, created=6),
        ]
    )


def test_check_workspace_stores_verdicts_and_keeps_best_duplicate(workspace):
    _fill(workspace)
    res = check_workspace(workspace, tasks=TASKS)
    got = {s.sample_id: s for s in workspace.store.iter_samples()}
    assert got["s2"].status == "passed" and got["s2"].grounding == 1.0
    # the older, worse-grounded copy of the same question is the one dropped
    assert got["s1"].status == "dropped" and "duplicate_question:s2" in got["s1"].reasons
    assert got["s3"].status == "dropped" and "invented_number:966124" in got["s3"].reasons
    assert got["s4"].status == "accepted" and got["s4"].reasons == []  # reviewed: left alone
    assert got["s5"].status == "flagged" and got["s5"].reasons == ["no_source"]
    assert got["s6"].status == "dropped" and any(r.startswith("repetition:") for r in got["s6"].reasons)
    assert res["records"] == 5 and res["passed"] == 1 and len(res["errors"]) == 1
    counts = workspace.store.reason_counts()
    assert counts["duplicate_question"] == 1 and counts["invented_number"] == 1 and counts["repetition"] == 1


def test_cli_check_workspace_and_status(workspace):
    _fill(workspace)
    runner = CliRunner()
    r = runner.invoke(app, ["-w", str(workspace.root), "check"])
    assert r.exit_code == 0, r.output
    assert "dropped" in r.output and "invented_number" in r.output
    r = runner.invoke(app, ["-w", str(workspace.root), "status", "--json"])
    st = json.loads(r.stdout)
    assert st["reasons"]["invented_number"] == 1 and st["samples_by_status"]["dropped"] == 3


def test_cli_check_jsonl_with_flag_and_threshold(tmp_path):
    src = _jsonl(
        tmp_path / "in.jsonl",
        [{"question": "公司在哪里？", "answer": "公司位于一座美丽的海滨城市，风景优美。", "context": CTX}],
    )
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    r = runner.invoke(app, ["-w", str(tmp_path), "check", "--jsonl", str(src), "--out", str(out), "--flag"])
    assert r.exit_code == 0, r.output
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["verdict"] == "flagged" and 0 <= rec["relevance"] <= 1  # relevance beside grounding
    r = runner.invoke(
        app, ["-w", str(tmp_path), "check", "--jsonl", str(src), "--out", str(out), "--threshold", "0"]
    )
    assert json.loads(out.read_text(encoding="utf-8"))["verdict"] == "passed"
    r = runner.invoke(
        app, ["-w", str(tmp_path), "check", "--jsonl", str(tmp_path / "nope.jsonl"), "--out", str(out)]
    )
    assert r.exit_code == 1 and "nope.jsonl: no such file" in r.output
