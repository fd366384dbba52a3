from corpus_testlib import novel

from corpusforge.corpus.chunker import Block, chunk_spans
from corpusforge.corpus.layout import paragraphs
from corpusforge.corpus.normalize import normalize_text
from corpusforge.corpus.sentences import split_sentences
from corpusforge.corpus.tokens import count_tokens, qwen_tokenizer_path, tokenizer_name


def _doc(paras):
    parts, blocks, pos = [], [], 0
    for p in paras:
        blocks.append(Block(pos, pos + len(p.text), p.pages, p.heading, "zh"))
        parts.append(p.text)
        pos += len(p.text) + 2
    return "\n\n".join(parts), blocks


def test_real_qwen_tokenizer_is_used():
    assert qwen_tokenizer_path() is not None
    assert tokenizer_name() == "qwen"
    assert count_tokens("Hello world") == 2
    assert 3 <= count_tokens("青溪市自来水公司") <= 8


def test_sentence_boundaries_zh_and_en():
    zh = "话说天下大势，分久必合。周末七国分争！“此名《太平要术》，汝得之。”角拜问姓名……老人曰：“吾乃南华老仙也。”言讫"
    assert [zh[a:b] for a, b in split_sentences(zh)] == [
        "话说天下大势，分久必合。",
        "周末七国分争！",
        "“此名《太平要术》，汝得之。”",
        "角拜问姓名……",
        "老人曰：“吾乃南华老仙也。”",
        "言讫",
    ]
    en = "We use e.g. LoRA (Hu et al. 2021). It works in 2023. Pi is 3.14! Really? Yes; ok"
    assert [en[a:b] for a, b in split_sentences(en)] == [
        "We use e.g. LoRA (Hu et al. 2021).",
        "It works in 2023.",
        "Pi is 3.14!",
        "Really?",
        "Yes;",
        "ok",
    ]


def test_chunks_within_budget_and_never_cut_a_sentence(fixtures_dir):
    text, blocks = _doc(paragraphs(normalize_text(novel(fixtures_dir, "shuihuzhuan", 20_000)).split("\n"), 1))
    ends = {e for b in blocks for _, e in split_sentences(text[b.start : b.end], b.start)}
    starts = {s for b in blocks for s, _ in split_sentences(text[b.start : b.end], b.start)}
    for target, overlap in ((128, 0), (256, 48), (512, 64)):
        spans = chunk_spans(text, blocks, target, overlap)
        assert len(spans) > 3
        for s in spans:
            assert s.tokens == count_tokens(text[s.start : s.end]) <= target
            assert not s.cut
            assert s.start in starts and s.end in ends  # whole sentences only
        # every sentence is in some chunk
        covered = sorted((s.start, s.end) for s in spans)
        assert covered[0][0] == blocks[0].start and covered[-1][1] == blocks[-1].end
        assert all(b[0] <= a[1] + 2 for a, b in zip(covered, covered[1:], strict=False))
        if overlap:
            assert sum(b.start < a.end for a, b in zip(spans, spans[1:], strict=False)) >= len(spans) // 2
            assert all(
                count_tokens(text[b.start : a.end]) <= overlap + 2
                for a, b in zip(spans, spans[1:], strict=False)
                if b.start < a.end
            )
        else:
            assert all(b.start >= a.end for a, b in zip(spans, spans[1:], strict=False))


def test_chunks_prefer_headings_as_starts(fixtures_dir):
    text, blocks = _doc(paragraphs(normalize_text(novel(fixtures_dir, "sanguoyanyi", 30_000)).split("\n"), 1))
    spans = chunk_spans(text, blocks, 512, 0)
    heads = [b.start for b in blocks if b.heading and b.start > 0]
    assert heads, "the slice has chapter headings"
    at_start = [h for h in heads if any(s.start == h for s in spans)]
    assert len(at_start) >= len(heads) // 2
    for h in set(heads) - set(at_start):  # only a short chapter tail (under a quarter budget) may precede it
        (s,) = [s for s in spans if s.start < h < s.end]
        assert count_tokens(text[s.start : h]) < 512 // 4


def test_sentence_longer_than_budget_is_cut_and_flagged():
    long = "，".join(f"第{i}项指标达到了设计要求并通过验收" for i in range(80)) + "。"
    text = "短句一。\n\n" + long + "\n\n短句二。"
    blocks = [Block(0, 4, [1]), Block(6, 6 + len(long), [1]), Block(8 + len(long), len(text), [2])]
    spans = chunk_spans(text, blocks, 64, 0)
    assert all(s.tokens <= 64 for s in spans)
    cut = [s for s in spans if s.cut]
    assert len(cut) >= 3
    # without overlap the chunks tile the text: nothing lost, nothing repeated
    assert "".join(text[s.start : s.end] for s in spans).replace("\n", "") == text.replace("\n", "")
    assert 2 in spans[-1].pages


def test_text_without_any_punctuation_is_cut_by_tokens(fixtures_dir):
    from corpus_testlib import pdf_pages

    words = " ".join(
        pdf_pages(fixtures_dir / "pdf" / "en_pymupdf_qwen2-tech-report_test_4751.pdf")[2].split()
    )
    text = "".join(c for c in words if c.isalnum() or c == " ")[:6000]
    spans = chunk_spans(text, [Block(0, len(text), [3], lang="en")], 100, 10)
    assert len(spans) >= 10 and all(s.cut and s.tokens <= 100 for s in spans)
    assert spans[0].start == 0 and spans[-1].end == len(text)
