"""Tasks, prompts and planning: fast tests, the parsers on recorded replies of the real embedded model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpusforge.generate.asking import Item, build_messages, parse, runaway
from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.context import RunContext
from corpusforge.generate.prompts import LANGS, PromptError, load_prompt, render
from corpusforge.generate.tasks import TASKS, get_task
from corpusforge.generate.tasks.entities import grounded
from corpusforge.generate.units import Unit, pages_label, plan_pairs, prompt_lang
from corpusforge.llm import Completion
from corpusforge.records import Chunk, Document

REPLIES = json.loads((Path(__file__).parent / "data" / "replies.json").read_text(encoding="utf-8"))["replies"]
CFG = GenerateConfig()
PASSAGE = (
    "In 2023 the Qingxi City Water Utility replaced 12 km of cast-iron mains in the East Lake district "
    "after a burst pipe flooded Harbour Road in March."
)


def unit(text: str = PASSAGE, lang: str = "en") -> Unit:
    doc = Document(doc_id="d1", source="notes.pdf", path="notes.pdf", kind="pdf", title="", lang=lang)
    chunks = [Chunk(chunk_id="d1-00000", doc_id="d1", source="notes.pdf", pages=[2, 3], text=text, lang=lang)]
    return Unit(doc=doc, chunks=chunks, lang=lang)


def replies(task: str) -> list[dict]:
    return [r for r in REPLIES if r["task"] == task]


@pytest.mark.parametrize("name", sorted(TASKS))
@pytest.mark.parametrize("lang", LANGS)
def test_every_task_has_prompts_and_a_schema(name, lang):
    task = get_task(name)
    prompt = load_prompt(name, lang)
    request = prompt.fill("request", **task.request_vars(CFG, prompt, 3))
    assert "{n}" not in request and "{labels}" not in request and "{fields}" not in request
    assert prompt.version == f"{name}.{lang}.v{4 if name == 'qa' else 1}"  # qa v4: evidence first
    schema = task.schema(CFG, 3)
    assert schema["type"] == "object" and schema["required"]
    json.dumps(schema)  # plain JSON, sendable as response_format


def test_unknown_task_is_one_line_error():
    with pytest.raises(ValueError, match="unknown task 'poem' \\(known: qa, summary"):
        get_task("poem")


def test_tasks_declare_what_the_gate_and_the_runner_need():
    def having(attr: str) -> set[str]:
        return {n for n, t in TASKS.items() if getattr(t, attr)}

    # the defaults the quality and generate configs used to list by hand
    assert {n for n, t in TASKS.items() if not t.grounded} == {"classify", "entities"}
    assert having("has_question") == {"qa"} and having("derived_numbers") == {"cot", "report"}
    assert having("item_in_metadata") == {"classify", "report", "entities", "qa"} and having(
        "candidates"
    ) == {
        "qa",
        "cot",
    }
    assert {n for n, t in TASKS.items() if t.scope(CFG) == "document"} == {"qa"}
    assert {
        n for n, t in TASKS.items() if t.scope(GenerateConfig(summary_scope="document")) == "document"
    } == {"qa", "summary"}
    assert all(t.name == n and t.prompt_folder is None for n, t in TASKS.items())


def test_messages_put_the_passage_first_and_share_it_across_tasks():
    u = unit()
    firsts = set()
    for name in ("qa", "summary", "cot"):
        p = load_prompt(name, "en")
        msgs = build_messages(p, u, p.fill("request", **get_task(name).request_vars(CFG, p, 2)))
        assert msgs[1]["content"].startswith("Source: notes.pdf, pages 2-3\n\n" + PASSAGE)
        firsts.add((msgs[0]["content"], msgs[1]["content"].split("\n\n---\n\n")[0]))
    assert len(firsts) == 1  # same prefix for every task: servers with prefix caching reuse it


def test_chinese_chunks_get_chinese_prompts():
    assert prompt_lang("zh", "") == "zh" and prompt_lang("", "zh-Hans") == "zh"
    assert prompt_lang("fr", "", "en") == "en"
    p = load_prompt("qa", "zh")
    assert "问答对" in p.fill("request", n=3)
    assert (
        p.fill("source_instruction", title="供水条例", instruction="水费何时缴纳？")
        == "根据《供水条例》回答：水费何时缴纳？"
    )


def test_user_prompt_overrides_merge_and_change_the_version(tmp_path):
    (tmp_path / "qa.en.yaml").write_text('request: "Ask {n} tricky questions. JSON: {\\"pairs\\": []}"\n')
    p = load_prompt("qa", "en", tmp_path)
    assert p.fill("request", n=2) == 'Ask 2 tricky questions. JSON: {"pairs": []}'
    assert p["system"] == load_prompt("qa", "en")["system"]  # keys not overridden stay built-in
    assert p.version.startswith("qa.en.v4+") and p.version != "qa.en.v4"
    (tmp_path / "qa.en.yaml").write_text("request: [unclosed\n")
    with pytest.raises(PromptError, match=r"qa\.en\.yaml: not valid YAML"):
        load_prompt("qa", "en", tmp_path)


def test_render_leaves_json_braces_alone():
    assert render('{n} pairs as {"pairs": [{"q": "..."}]}', n=2) == '2 pairs as {"pairs": [{"q": "..."}]}'


def test_plan_spreads_pairs_over_chunks_and_rounds_shift():
    assert plan_pairs(1, 5) == [(0, 5)]
    assert plan_pairs(2, 5) == [(0, 3), (1, 2)]
    assert sum(k for _, k in plan_pairs(3, 5)) == 5
    first = plan_pairs(20, 5)
    assert [k for _, k in first] == [1] * 5 and len({p for p, _ in first}) == 5
    again = plan_pairs(20, 2, round_=1)
    assert {p for p, _ in again} - {p for p, _ in first}  # another round looks at other chunks
    assert plan_pairs(0, 5) == [] and plan_pairs(4, 0) == []


def test_pages_label():
    assert pages_label([3]) == "3" and pages_label([3, 4, 5]) == "3-5" and pages_label([3, 7]) == "3, 7"
    assert pages_label([]) == "?"


def test_runaway_detects_repetition_not_prose():
    assert runaway('{"pairs": [{"question": "' + "1." * 60)
    assert runaway('{"organizations": [' + '"Sydney", ' * 10)
    # a length-bounded field stops the loop, the reply goes on: still a looping model
    assert runaway('{"pairs": [{"question": "' + "1." * 50 + '", "answer": "2026年工作计划"}')
    assert not runaway(
        "The Qingxi City Water Utility treats 40,000 cubic metres of water per day at Elm Street."
    )


# ---------------------------------------------------------------- parsers on recorded real replies


def test_qa_parser_on_real_replies():
    task = get_task("qa")
    complete = [r for r in replies("qa") if r["lang"] == "en" and r["finish_reason"] == "stop"]
    assert complete
    for r in complete:
        items = task.items(parse(task, r["text"], r["finish_reason"]), CFG)
        assert 1 <= len(items) <= r["n"]
        assert all(i["question"] and i["answer"] for i in items)
    # the real model's Chinese replies run away ("1.1.1." / "！！！"): nothing usable, and not worth a retry
    for r in [r for r in replies("qa") if r["lang"] == "zh" and r["finish_reason"] == "length"]:
        assert runaway(r["text"])
        assert task.items(parse(task, r["text"], "length"), CFG) == []


def test_items_with_a_looping_text_are_not_usable():
    task = get_task("qa")
    [loop] = [r for r in replies("qa") if "2021-01-01" in r["text"]]  # answer "…45.312.12.12.12.12…"
    assert loop["finish_reason"] == "stop" and task.items(parse(task, loop["text"], "stop"), CFG) == []
    [dates] = [r for r in replies("qa") if "1987年3月12日" in r["text"]]
    assert len(task.items(parse(task, dates["text"], "stop"), CFG)) == 2  # poor, but the gate judges those


def test_qa_keeps_the_complete_pairs_of_a_cut_off_reply():
    r = next(r for r in replies("qa") if r["lang"] == "en" and r["n"] == 2 and r["finish_reason"] == "stop")
    whole = get_task("qa").items(parse(get_task("qa"), r["text"], "stop"), CFG)
    cut = r["text"][: r["text"].index("}") + 1 + 20]  # first pair complete, second cut off
    items = get_task("qa").items(parse(get_task("qa"), cut, "length"), CFG)
    assert items == whole[:1]


def test_summary_parser_on_real_reply():
    r = replies("summary")[0]
    [item] = get_task("summary").items(parse(get_task("summary"), r["text"], r["finish_reason"]), CFG)
    assert "12 km" in item["summary"]


def test_classify_rejects_placeholder_reasons_and_unknown_labels():
    task = get_task("classify")
    r = replies("classify")[0]  # the real model wrote {"label": "policy", "reasons": ["...", "..."]}
    assert task.items(parse(task, r["text"], r["finish_reason"]), CFG) == []
    ok = task.items(parse(task, '{"label": "Notice", "reasons": ["announces works"]}', "stop"), CFG)
    assert ok == [{"label": "notice", "reasons": ["announces works"]}]
    assert task.items(parse(task, '{"label": "poem", "reasons": ["x"]}', "stop"), CFG) == []
    labels = GenerateConfig(labels={"outage": "Water supply interruptions."})
    p = load_prompt("classify", "en")
    assert "- outage: Water supply interruptions." in p.fill("request", **task.request_vars(labels, p, 1))


def test_report_uses_the_configured_fields():
    task = get_task("report")
    r = replies("report")[0]
    [item] = task.items(parse(task, r["text"], r["finish_reason"]), CFG)
    assert set(item) == set(CFG.report_fields)
    cfg = GenerateConfig(report_fields={"risk": "What could go wrong.", "owner": "Who is responsible."})
    assert task.schema(cfg, 1)["required"] == ["risk", "owner"]
    assert task.items(parse(task, '{"risk": "flooding"}', "stop"), cfg) == []  # a field is missing
    _, out = task.fields({"risk": "flooding", "owner": "the utility"}, load_prompt("report", "en"), cfg)
    assert out == "risk: flooding\nowner: the utility"


def test_claim_parser_on_real_reply():
    task = get_task("claim")
    r = replies("claim")[0]
    [item] = task.items(parse(task, r["text"], r["finish_reason"]), CFG)
    ins, out = task.fields(item, load_prompt("claim", "en"), CFG)
    assert ins.startswith("Is this statement correct? ") and out.startswith("No. ")
    same = '{"claim": "It is 12 km.", "correction": "it is 12 km.", "evidence": "12 km"}'
    assert task.items(parse(task, same, "stop"), CFG) == []  # a "wrong" claim equal to its correction


def test_cot_rejects_the_real_models_placeholder_steps():
    task = get_task("cot")
    r = replies("cot")[0]  # {"question": "What is the reasoning steps?", "steps": ["...", "..."], ...}
    assert task.items(parse(task, r["text"], r["finish_reason"]), CFG) == []
    good = '{"question": "How long were the mains?", "steps": ["The passage says 12 km."], "conclusion": "12 km"}'
    [item] = task.items(parse(task, good, "stop"), CFG)
    _, out = task.fields(item, load_prompt("cot", "zh"), CFG)
    assert out == "1. The passage says 12 km.\n结论：12 km"


def test_entities_cut_off_reply_is_unusable_and_names_are_grounded():
    task = get_task("entities")
    r = replies("entities")[0]  # the real model listed "Sydney" until the budget ran out
    assert r["finish_reason"] == "length"
    assert task.items(parse(task, r["text"], "length"), CFG) == []
    full = (
        '{"organizations": ["Qingxi City Water Utility", "Sydney Water"], "people": [], '
        '"places": ["East Lake", "Harbour Road"], "dates": ["2023", "March"], "events": ["burst pipe"]}'
    )
    [item] = task.items(parse(task, full, "stop"), CFG)
    kept = grounded(item, PASSAGE)
    assert kept["organizations"] == ["Qingxi City Water Utility"]
    assert kept["places"] == ["East Lake", "Harbour Road"] and kept["events"] == ["burst pipe"]


def test_sample_ids_are_derived_from_request_key_and_item_index(workspace):
    ctx = RunContext(ws=workspace, cfg=GenerateConfig(source_in_instruction=True), client=None, gate=None)
    comp = Completion(
        text="",
        finish_reason="stop",
        tokens_in=1,
        tokens_out=1,
        cached=False,
        key="k" * 64,
        backend="llamacpp",
        model="m",
    )
    item = Item(
        data={"question": "When were the mains replaced?", "answer": "In 2023."},
        key=comp.key,
        idx=1,
        completion=comp,
    )
    u = unit()
    a = ctx.make_sample(get_task("qa"), u, load_prompt("qa", "en"), item)
    b = ctx.make_sample(get_task("qa"), u, load_prompt("qa", "en"), item)
    assert a.sample_id == b.sample_id
    other = Item(data=item.data, key=comp.key, idx=0, completion=comp)
    assert ctx.make_sample(get_task("qa"), u, load_prompt("qa", "en"), other).sample_id != a.sample_id
    assert a.instruction == "According to notes: When were the mains replaced?"
    assert (a.source, a.pages, a.chunk_ids, a.doc_id) == ("notes.pdf", [2, 3], ["d1-00000"], "d1")
    assert (a.backend, a.model, a.prompt_version, a.request_key) == ("llamacpp", "m", "qa.en.v4", comp.key)
    assert a.messages == [
        {"role": "user", "content": a.instruction},
        {"role": "assistant", "content": "In 2023."},
    ]
    assert a.input == "" and a.metadata["question"] == "When were the mains replaced?"


def test_config_rejects_min_above_max():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="qa_min"):
        GenerateConfig(qa_min=6, qa_max=5)


def test_workspace_prompts_dir_is_relative_to_the_workspace(workspace):
    (workspace.root / "my_prompts").mkdir()
    (workspace.root / "my_prompts" / "summary.zh.yaml").write_text(
        'instruction: "用一句话概括下文。"\n', encoding="utf-8"
    )
    ctx = RunContext(ws=workspace, cfg=GenerateConfig(prompts_dir="my_prompts"), client=None, gate=None)
    assert ctx.prompt("summary", "zh").fill("instruction") == "用一句话概括下文。"
    assert (
        "+" in ctx.prompt("summary", "zh").version and ctx.prompt("summary", "en").version == "summary.en.v1"
    )


def test_a_broken_prompt_file_stops_generate_before_any_request(tmp_path):
    from gen_helpers import DOCS, make_workspace

    from corpusforge.generate.runner import generate

    ws = make_workspace(tmp_path / "ws", {"plant.txt": DOCS["plant.txt"]}, extra="  prompts_dir: mine\n")
    (ws.root / "mine").mkdir()
    (ws.root / "mine" / "qa.zh.yaml").write_text("request: [oops\n", encoding="utf-8")
    with pytest.raises(PromptError, match=r"mine/qa\.zh\.yaml: not valid YAML"):
        generate(ws)
    assert ws.store.counts()["llm_cache"] == 0
    ws.close()
