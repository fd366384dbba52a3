"""Relevance: the answer to another question about the same passage scores lower than the right one."""

from corpusforge.quality.locate import anchors, core, passage
from corpusforge.quality.relevance import alignment, question_type, relevance, type_score

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


def test_question_type_patterns_that_are_not_what_they_look_like():
    assert question_type("达曼的卫星城有哪几座？") == "other"  # 哪几: which ones, not how many
    assert question_type("闪族没有0的符号，如何处理的？") == "other"  # 如何处理 is not 何处
    assert question_type("蒋家旻在哪部剧里被赞赏？") == "other"  # 哪部剧: a title, not a place
    assert question_type("楚昭辅是哪一朝代的人？") == "other"  # a dynasty (北宋) is no date
    assert question_type("How many runways does the airport have?") == "number"
    assert question_type("When was the school founded?") == "date"


def test_chinese_numerals_count_only_before_a_measure_word():
    assert type_score("目前学校有几个校区？", "两个") == 1.0
    assert type_score("怡良配合谁开展禁烟运动？", "两广总督邓廷桢和林则徐") == 1.0  # 两广 is no number
    assert type_score("五月艾生长的地区海拔约是多少米？", "四川、浙江、江西") < 0.5


def test_year_questions_want_a_year_and_places_no_bare_number():
    assert type_score("基督教神学院兴建于哪一年？", "1920年") == 1.0
    assert type_score("基督教神学院兴建于哪一年？", "伍德沃德大道2930号") < 0.5
    assert type_score("巴黎第四区的地理位置在哪里？", "1.601 km²") < 0.5
    assert type_score("节目播出的时间段是什么时候？", "每周日上午11:00～12:00") == 1.0
    assert type_score("Who founded the company?", "in 1987") < 0.5


EN = (
    "The Riverside Library opened in 1921. It was designed by the architect Anna Berg. "
    "The library holds about 40,000 books and is closed on Mondays."
)


def test_english_same_passage_wrong_answers_score_lower():
    q = "Who designed the Riverside Library?"
    assert relevance(q, "Anna Berg", EN) > relevance(q, "about 40,000 books", EN)
    q = "How many books does the library hold?"
    assert relevance(q, "about 40,000 books", EN) > relevance(q, "Anna Berg", EN)


def test_every_occurrence_of_the_answer_is_tried():
    ctx = "港口于1990年扩建。灯塔于1990年重建，高二十米。"
    # 1990 occurs twice; the second place is the one the question points at
    assert alignment("灯塔哪一年重建？", "1990年", ctx) > 0.8  # measured 0.89
    assert alignment("港口哪一年扩建？", "1990年", ctx) > 0.8  # the first place, for the other question
    assert alignment("灯塔哪一年重建？", "1990年扩建", ctx) < 0.2  # only the first place
    assert anchors(core("1990年"), passage(ctx).text) == [(3, 8), (14, 19)]


def test_topic_of_the_passage_does_not_outweigh_the_question_words_near_the_answer():
    # the subject is named in the first sentence only; the answer's sentence has the asked-for words
    ctx = "蓝线裸顶鲷为龙占鱼科的一种。分布于印度太平洋区。水深20至170公尺。本鱼体呈银灰色。以甲壳类为食。"
    right = relevance("蓝线裸顶鲷的身体是什么颜色的？", "本鱼体呈银灰色", ctx)
    wrong = relevance("蓝线裸顶鲷的身体是什么颜色的？", "以甲壳类为食", ctx)
    assert right >= 0.5 > wrong


def test_answer_not_in_context_or_question_without_content_words():
    assert alignment("灯塔哪一年重建？", "2005年", "港口于1990年扩建。") == 0.0
    assert alignment("什么？", "1990年", "港口于1990年扩建。") == 1.0
    assert relevance("", "1990年", "港口于1990年扩建。") == 1.0


def test_evidence_quote_is_where_relevance_is_scored():
    ctx = "灯塔高二十米，于1990年重建。港口的码头长二十米，可泊两艘船。"
    q = "灯塔有多高？"
    # 「二十米」 occurs twice; the quote says which one is meant
    assert relevance(q, "二十米", ctx, evidence="港口的码头长二十米") < relevance(
        q, "二十米", ctx, evidence="灯塔高二十米"
    )


FAQ = (
    "## How hard is the water?\nAverage total hardness in 2025 was 120 mg/L, which counts as\n"
    "moderately soft.\n\n## Why is my water cloudy?\nCloudy water that clears within two minutes is\n"
    "caused by tiny air bubbles and is harmless.\n"
)


def test_markdown_heading_points_at_its_section_and_wrapped_lines_stay_one_sentence():
    p = passage(FAQ)
    sentences = [p.text[a:b].strip() for a, b in zip(p.starts, p.ends, strict=True)]
    assert "## how hard is the water?" in sentences
    assert any(s.startswith("average total hardness") and s.endswith("moderately soft.") for s in sentences)
    q = "How hard is the water?"
    assert relevance(q, "Moderately soft", FAQ) >= 0.3 > relevance(q, "caused by tiny air bubbles", FAQ)


def test_a_paraphrased_answer_is_placed_in_the_sentence_holding_most_of_its_words():
    q = "Why is my water cloudy?"
    # not verbatim in the text, but its words are in the cloudy-water section's sentence
    para = "tiny bubbles of air caused it"
    assert alignment(q, para, FAQ) > 0.3 > alignment("How hard is the water?", para, FAQ)
    assert alignment(q, "fish and rabbits", FAQ) == 0.0
