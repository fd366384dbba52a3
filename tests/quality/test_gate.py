"""The gate's verdicts: actions per reason, threshold, apply() on a Sample, and the optional judge."""

from types import SimpleNamespace

from corpusforge.quality.config import QualityConfig
from corpusforge.quality.gate import QualityGate
from corpusforge.records import Chunk, Sample

CTX = (
    "青溪市自来水公司成立于1987年3月12日，负责中心城区的供水。营业时间为周一至周六8:30至17:30。"
    "用户投诉应在3个工作日内答复，涉及水质的投诉应在4小时内派员上门取样检测。"
)


def sample(q: str, a: str, sid: str = "s1", **kw) -> Sample:
    return Sample(
        sample_id=sid,
        task="qa",
        instruction=q,
        input="",
        output=a,
        source="rules.txt",
        doc_id="d1",
        chunk_ids=["d1-00000"],
        **kw,
    )


def test_clean_answer_passes():
    v = QualityGate().check("水质投诉多久派员上门？", "涉及水质的投诉应在4小时内派员上门取样检测。", CTX)
    assert (v.verdict, v.reasons) == ("passed", [])
    assert v.grounding > 0.9 and v.scores["numbers"] == 1


def test_invented_number_is_dropped_with_its_value():
    v = QualityGate().check("水质投诉多久派员上门？", "涉及水质的投诉应在6小时内派员上门。", CTX)
    assert v.verdict == "dropped"
    assert "invented_number:6" in v.reasons


def test_below_threshold_drop_or_flag():
    q, a = "公司在哪里？", "公司位于一座美丽的海滨城市，风景优美。"
    assert QualityGate().check(q, a, CTX).verdict == "dropped"
    v = QualityGate(QualityConfig(below_threshold="flag")).check(q, a, CTX)
    assert v.verdict == "flagged" and "low_grounding" in v.reasons
    assert QualityGate(QualityConfig(grounding_threshold=0.0)).check(q, a, CTX).verdict == "passed"


def test_actions_are_configurable():
    a = "涉及水质的投诉应在4小时内派员上门取样检测，"  # unfinished
    assert QualityGate().check("水质投诉多久派员上门？", a, CTX).verdict == "flagged"
    cfg = QualityConfig(actions={"unfinished": "ignore"})
    v = QualityGate(cfg).check("水质投诉多久派员上门？", a, CTX)
    assert v.verdict == "passed" and v.reasons == ["unfinished"]
    # reasons missing from a partial actions map keep their defaults
    assert QualityGate(cfg).check("q?", "作为一个AI，我无法回答。", CTX).verdict == "dropped"


def test_ungrounded_tasks_skip_the_threshold():
    from corpusforge.generate.tasks import TASKS

    v = QualityGate(tasks=TASKS).check("这段文字属于哪一类？", "客户服务", CTX, task="classify")
    assert "low_grounding" not in v.reasons
    # a task the gate is not told about is gated as grounded text
    assert (
        "low_grounding"
        in QualityGate().check("这段文字属于哪一类？", "客户服务", CTX, task="classify").reasons
    )


def test_config_task_lists_override_what_tasks_declare():
    from corpusforge.generate.tasks import TASKS

    toy = {"toy": SimpleNamespace(grounded=False, has_question=True, derived_numbers=False)}
    q, a = "自来水公司的营业时间", "公司位于一座美丽的海滨城市，风景优美。"
    v = QualityGate(tasks=toy).check(q, a, CTX, task="toy")
    assert "low_grounding" not in v.reasons and "not_a_question" in v.reasons
    cfg = QualityConfig(ungrounded_tasks=[], question_tasks=["classify"])
    v = QualityGate(cfg, tasks=toy).check(q, a, CTX, task="toy")
    assert "low_grounding" in v.reasons and "not_a_question" not in v.reasons
    assert (
        "not_a_question" in QualityGate(cfg, tasks=TASKS).check(q, "客户服务", CTX, task="classify").reasons
    )
    assert "not_a_question" not in QualityGate(cfg, tasks=TASKS).check(q, a, CTX, task="qa").reasons


def test_decide_and_add_reasons():
    gate = QualityGate(QualityConfig(actions={"unfinished": "ignore"}))
    assert gate.decide([]) == "passed" and gate.decide(["unfinished"]) == "passed"
    assert (
        gate.decide(["unfinished", "too_long"]) == "flagged"
        and gate.decide(["too_long", "truncated"]) == "dropped"
    )
    s = sample("q?", "a")
    s.status, s.reasons = "passed", ["unfinished"]
    gate.add_reasons(s, "duplicate_question:s0")
    assert (s.status, s.reasons) == ("dropped", ["unfinished", "duplicate_question:s0"])
    v = gate.check("水质投诉多久派员上门？", "涉及水质的投诉应在4小时内派员上门取样检测。", CTX)
    gate.add_reasons(v, "too_long")
    assert (v.verdict, v.reasons) == ("flagged", ["too_long"])


def test_apply_sets_fields_and_marks_truncated():
    gate = QualityGate()
    chunk = Chunk(chunk_id="d1-00000", doc_id="d1", source="rules.txt", pages=[1], text=CTX, lang="zh")
    s = gate.apply(sample("公司什么时候成立？", "公司成立于1987年3月12日。"), [chunk])
    assert (s.status, s.reasons) == ("passed", []) and s.grounding == 1.0 and "lexical" in s.scores
    t = gate.apply(
        sample(
            "营业时间是什么？",
            "营业时间为周一至周六8:30至17:30。",
            sid="s2",
            metadata={"finish_reason": "length"},
        ),
        CTX,
    )
    assert t.status == "dropped" and "truncated" in t.reasons
    d = gate.apply(sample("公司是什么时候成立的？", "1987年3月12日。", sid="s3"), CTX)
    assert d.status == "dropped" and d.reasons == ["duplicate_question:s1"]


def test_supersede_updates_the_store(workspace):
    store = workspace.store
    gate = QualityGate(store=store)
    first = gate.apply(
        sample("公司什么时候成立？", "青溪市自来水公司是在1987年3月12日成立的。", sid="s1"), CTX
    )
    store.add_samples([first])
    assert first.status == "passed"
    better = gate.apply(sample("公司是什么时候成立的？", "公司成立于1987年3月12日。", sid="s2"), CTX)
    assert better.status == "passed" and better.grounding > first.grounding
    old = store.get_sample("s1")
    assert old.status == "dropped" and "duplicate_question:s2" in old.reasons


class _Judge:
    """Stands for a backend reply; the real LLMClient is exercised in test_smollm.py."""

    def __init__(self, text: str):
        self.text = text
        self.calls: list = []

    def chat_sync(self, messages, **kw):
        self.calls.append((messages, kw))
        return SimpleNamespace(text=self.text)


def test_judge_score_mixes_into_grounding():
    from corpusforge.quality.config import JudgeConfig

    cfg = QualityConfig(judge=JudgeConfig(enabled=True, weight=0.5))
    judge = _Judge('{"score": 1}')
    v = QualityGate(cfg, backend=judge).check("公司什么时候成立？", "公司成立于1987年3月12日。", CTX)
    assert v.scores["judge"] == 0.0 and v.grounding == 0.5
    assert "judge_low:1" in v.reasons and v.verdict == "flagged"
    assert judge.calls[0][1]["schema"]["required"] == ["score"]
    assert "1987年3月12日" in judge.calls[0][0][1]["content"]
    # disabled: never called
    judge2 = _Judge('{"score": 5}')
    QualityGate(QualityConfig(), backend=judge2).check("q?", "公司成立于1987年。", CTX)
    assert judge2.calls == []


def test_parse_judge_reply():
    from corpusforge.quality.judge import parse_score

    assert parse_score('{"score": 4}') == 4
    assert parse_score('{"score": 4') == 4  # truncated JSON
    assert parse_score("no idea") is None


def test_remember_store_dedups_across_runs(workspace):
    first = QualityGate().apply(sample("公司什么时候成立？", "公司成立于1987年3月12日。", sid="old"), CTX)
    first.status = "accepted"
    workspace.store.add_samples([first])
    gate = QualityGate()
    assert gate.remember_store(workspace.store) == 1
    s = gate.apply(sample("公司是什么时候成立的？", "公司成立于1987年3月12日。", sid="new"), CTX)
    assert s.status == "dropped" and s.reasons == ["duplicate_question:old"]


def test_low_relevance_drops_or_flags_a_grounded_answer_to_another_question():
    from corpusforge.generate.tasks import TASKS

    q, wrong = (
        "水质投诉多久派员上门？",
        "周一至周六8:30至17:30",
    )  # in the source, but it answers another question
    v = QualityGate(tasks=TASKS).check(q, wrong, CTX)
    assert (v.verdict, v.reasons) == ("dropped", ["low_relevance"]) and v.grounding == 1.0
    assert v.relevance is not None and v.relevance < QualityConfig().relevance_min
    right = QualityGate(tasks=TASKS).check(q, "4小时内", CTX)
    assert right.verdict == "passed" and right.relevance is not None and right.relevance > 0.8
    flag = QualityGate(QualityConfig(actions={"low_relevance": "flag"}), tasks=TASKS)
    assert flag.check(q, wrong, CTX).verdict == "flagged"
    off = QualityGate(QualityConfig(relevance_min=0.0), tasks=TASKS).check(q, wrong, CTX)
    assert (off.verdict, off.reasons) == ("passed", [])
    # a task that asks no question of the source (no has_question) gets no relevance verdict
    assert QualityGate().check(q, wrong, CTX).verdict == "passed"
