"""One test per filter: it fires on a bad answer (with its reason) and stays quiet on a good one."""

import pytest

from corpusforge.quality import filters as F
from corpusforge.quality.config import QualityConfig

CFG = QualityConfig()
CTX = "青溪市自来水公司成立于1987年3月12日，负责中心城区的供水。营业时间为周一至周六8:30至17:30。"
EN = "The utility tested 106 indicators every month. Residual chlorine is kept between 0.3 and 0.5 mg/L."


def run(f, a, q="公司什么时候成立？", ctx=CTX, cfg=CFG):
    return f(q, a, ctx, cfg)


def test_length():
    assert run(F.length, "   ") == "empty_answer"
    assert run(F.length, "是") == "too_short:1"
    assert run(F.length, "好" * 5000) == "too_long:5000"
    assert run(F.length, "1987年") is None


def test_repeats_question():
    assert run(F.repeats_question, "公司什么时候成立？") == "repeats_question"
    assert run(F.repeats_question, "根据材料，公司什么时候成立。") == "repeats_question"
    assert run(F.repeats_question, "公司成立于1987年3月12日。") is None
    # a short span of the question can be the answer
    assert run(F.repeats_question, "富国银行", q="旧富国银行后来改名为什么？") is None


@pytest.mark.parametrize(
    "answer",
    [
        "The utility tests water. The utility tests water. The utility tests water. The utility tests water.",
        "水质检测合格，" * 8,
        "- 106 indicators\n- 106 indicators\n- 106 indicators\n- 106 indicators\n- 106 indicators",
    ],
)
def test_repetition_catches_loops(answer):
    assert run(F.repetition, answer, q="q", ctx=EN).startswith("repetition:")


def test_repetition_allows_recurring_names():
    a = (
        "后来一条兼定受到长宗我部元亲的挑拨，被长宗我部元亲的铁炮队攻击，又担心被长宗我部元亲两面夹击而后退，"
        "元亲见状便命令全军渡河突击。此战奠定了长宗我部元亲在土佐的霸权。"
    )
    assert run(F.repetition, a) is None


@pytest.mark.parametrize(
    "answer",
    [
        "As an AI language model, I cannot browse the documents.",
        "作为一个AI，我无法回答这个问题。",
        "作为人工智能，我没有这方面的信息。",
        "I'm sorry, but I can't help with that.",
        "材料中没有提到成立时间。",
    ],
)
def test_refusal(answer):
    assert run(F.refusal, answer).startswith("refusal:")


def test_refusal_not_triggered_by_normal_answers():
    assert run(F.refusal, "公司成立于1987年3月12日。") is None
    assert run(F.refusal, "The utility tested 106 indicators.", ctx=EN) is None


def test_language_mismatch():
    assert run(F.language, "The company was founded in 1987.") == "language_mismatch:zh/en"
    assert run(F.language, "公司成立于1987年。", q="When was it founded?") == "language_mismatch:zh/en"
    assert run(F.language, "公司成立于1987年。") is None
    assert run(F.language, "1.601 km²") is None  # numbers and a unit carry no language
    assert (
        run(F.language, "The company was founded in 1987.", cfg=QualityConfig(check_language=False)) is None
    )


def test_brackets():
    assert run(F.brackets, '{"answer": "1987年"') == "unbalanced_brackets:{"
    assert run(F.brackets, "营业时间（周一至周六") == "unbalanced_brackets:（"
    assert run(F.brackets, "见下表]") == "unbalanced_brackets:]"
    assert run(F.brackets, "```python\nprint(1)\n") == "unbalanced_brackets:```"
    assert run(F.brackets, "营业时间（周一至周六）为8:30至17:30。") is None
    assert run(F.brackets, "1) 东湖水厂 2) 西山水厂") is None  # list markers are not brackets


def test_unfinished():
    assert run(F.unfinished, "公司成立于1987年3月12日，负责") == "unfinished"
    assert run(F.unfinished, "公司成立于1987年3月12日，") == "unfinished"
    assert (
        run(
            F.unfinished,
            "The utility tested 106 indicators every month at both treatment plants and at",
            ctx=EN,
        )
        == "unfinished"
    )
    assert run(F.unfinished, "公司成立于1987年3月12日。") is None
    assert run(F.unfinished, "1987年3月12日") is None  # a short span needs no full stop


def test_run_filters_collects_all_reasons():
    reasons = F.run_filters("q?", "As an AI, I cannot answer (really", CTX, CFG)
    names = {r.split(":")[0] for r in reasons}
    assert {"refusal", "language_mismatch", "unbalanced_brackets"} <= names
    assert F.run_filters("q?", "", CTX, CFG) == ["empty_answer"]


def test_prompt_leak():
    # both copied from real SmolLM2 replies (tests/quality/data/smollm_replies.jsonl)
    assert run(F.prompt_leak, "1、东湖水厂二期扩延工程总投资多少？\n\n---\n\n问题：东湖水厂").startswith(
        "prompt_leak:"
    )
    assert run(F.prompt_leak, "说明：\n\n来源：customer_service_gbk.txt，第 1 页\n\n青溪市").startswith(
        "prompt_leak:"
    )
    assert run(F.prompt_leak, "The answer is 42.\nQuestion: what else?", ctx=EN) == "prompt_leak:question:"
    assert run(F.prompt_leak, "Answer: the utility tested 106 indicators.", ctx=EN) is None
    assert run(F.prompt_leak, "公司成立于1987年3月12日。") is None


@pytest.mark.parametrize(
    "q", ["熏水公司", "2022", "The water is too soft.", "The primary purpose of lead pipes is to"]
)
def test_not_a_question(q):
    # all four are questions SmolLM2 really wrote (tests/quality/data/smollm_replies.jsonl)
    assert run(F.not_a_question, "x", q=q) == "not_a_question"


@pytest.mark.parametrize(
    "q",
    [
        "公司什么时候成立？",
        "东湖水厂二期扩建工程总投资多少",
        "请说明投诉处理的时限。",
        "丙烯颜料溶于汽油吗",
        "How hard is the water",
        "Describe the treatment process.",
        "Is tap water in Qingxi safe to drink?",
    ],
)
def test_questions_and_requests_pass(q):
    assert run(F.not_a_question, "x", q=q) is None


def test_question_reasons():
    from corpusforge.quality.filters import question_reasons

    ctx = "一、服务热线966123服务热线实行7×24小时服务，接通率不低于95%，来电应在铃响三声内接听。"
    # a question SmolLM2 really wrote in a generate run: it loops over the system prompt
    q = "你为一个熟悉某机构文档的助手编写训练数据的事实，说明你的熟悉某机构文档的助手编写训练数据的事实，说明你的熟悉某机构文档的助手编写训练数据的事"
    names = [r.split(":")[0] for r in question_reasons(q, ctx, CFG)]
    assert names == ["repetition", "question_off_source"]
    assert question_reasons(q, ctx, CFG)[0].startswith("repetition:question:")
    assert question_reasons("服务热线的接通率不低于多少？", ctx, CFG) == []
