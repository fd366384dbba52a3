"""Grounding score: lexical support, lead-ins, invented and misplaced numbers, invented names."""

from corpusforge.quality.grounding import grounding_details, grounding_score

CTX = (
    "青溪市自来水公司成立于1987年3月12日。东湖水厂设计日供水能力由25万立方米提高到33万立方米，"
    "总投资4.6亿元。试运行期间出厂水浊度稳定在0.1 NTU以下。"
)
EN = (
    "In 2025 the utility tested 106 indicators every month at both treatment plants and at 58 online "
    "monitoring points. The utility finished replacing 3,400 lead service connections in 2024."
)


def test_supported_answer_scores_high_also_when_wrapped():
    assert grounding_score("总投资4.6亿元", CTX) == 1.0
    assert grounding_score("根据材料，东湖水厂总投资4.6亿元。", CTX) >= 0.8
    assert (
        grounding_score("According to the text, the utility replaced 3,400 lead service connections.", EN)
        > 0.7
    )


def test_unrelated_answer_scores_low():
    assert grounding_score("玩家以水枪、小枪、锤子或是水炸弹泡封敌人", CTX) < 0.3
    assert grounding_score("The museum opens at nine and closes at five.", EN) < 0.3


def test_invented_number_zeroes_a_one_number_answer():
    g = grounding_details("总投资4.7亿元", CTX)
    assert g.invented_numbers == ["4.7"]
    assert g.score < 0.2 < g.lexical


def test_number_from_elsewhere_in_the_source_is_misplaced():
    ctx = "2017年4月，任副主任委员。2015年9月，任主任委员。"
    g = grounding_details("2017年9月，任副主任委员。", ctx)
    assert g.invented_numbers == []
    assert g.misplaced_numbers == ["2017"]
    assert g.score < grounding_score("2017年4月，任副主任委员。", ctx)


def test_invented_latin_name_lowers_score():
    g = grounding_details("浊度稳定在0.1 NTU以下，由Acme公司检测", CTX)
    assert "Acme" in g.invented_entities
    assert "NTU" not in g.invented_entities


def test_english_capitalised_names_checked():
    g = grounding_details("The utility tested 106 indicators at Springfield.", EN)
    assert g.invented_entities == ["Springfield"]
    assert grounding_details("The utility tested 106 indicators.", EN).invented_entities == []


def test_list_of_chunks_is_one_context():
    assert grounding_score("总投资4.6亿元", ["无关的文字。", CTX]) == 1.0


def test_derived_numbers_allowed_for_reasoning_tasks():
    from corpusforge.generate.tasks import TASKS
    from corpusforge.quality.gate import QualityGate

    ctx = "东湖水厂设计日供水能力25万立方米，西山水厂18万立方米。"
    a = "两座水厂合计日供水能力为25万+18万=43万立方米。"
    assert grounding_details(a, ctx).invented_numbers == ["43"]
    assert grounding_details(a, ctx, allow_derived=True).invented_numbers == []
    gate = QualityGate(tasks=TASKS)  # cot declares derived_numbers
    assert "invented_number:43" in gate.check("合计多少？", a, ctx, task="qa").reasons
    assert not any(
        r.startswith("invented_number") for r in gate.check("合计多少？", a, ctx, task="cot").reasons
    )
