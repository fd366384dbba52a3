"""Relevance: the answer to another question about the same passage scores lower than the right one."""

from corpusforge.quality.relevance import question_type, relevance, type_score

PASSAGE = "尤金袋鼠分布在澳洲南部岛屿及西岸地区。由于牠们每季在袋鼠岛都大量繁殖，破坏了环境而被认为是害虫。牠们的体重约为7公斤。"


def test_question_types():
    assert question_type("谁发明了电话？") == "who"
    assert question_type("尤金袋鼠有多少公斤？") == "number"
    assert question_type("公司哪一年成立？") == "date"
    assert question_type("总部在哪里？") == "where"
    assert question_type("What is the oxygen bar?") == "other"


def test_answer_of_the_wrong_type_is_penalised():
    assert type_score("体重是多少？", "约7公斤") == 1.0
    assert type_score("体重是多少？", "澳洲南部") < 0.5
    assert type_score("哪一年成立？", "2019年") > type_score("哪一年成立？", "上海")


def test_same_passage_wrong_answer_scores_lower():
    q = "尤金袋鼠分布在哪些地区？"
    right = relevance(q, "澳洲南部岛屿及西岸地区", PASSAGE)
    wrong = relevance(q, "约为7公斤", PASSAGE)
    assert 0.0 <= wrong < right <= 1.0


def test_judge_is_blended_in_when_given():
    q = "尤金袋鼠分布在哪些地区？"
    plain = relevance(q, "约为7公斤", PASSAGE)
    assert relevance(q, "约为7公斤", PASSAGE, judge=1.0) > plain
