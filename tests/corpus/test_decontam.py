"""Decontamination (``corpus.decontam``, ``eval.contamination_files``): n-gram overlap with held-out text."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from corpus_testlib import add_text, novel

from corpusforge.corpus.decontam import (
    ContaminationFileError,
    OverlapIndex,
    drop_contaminated,
    ngrams,
    read_eval_texts,
)
from corpusforge.corpus.pipeline import CONTAMINATED_FILE, build_corpus
from corpusforge.io import read_jsonl
from corpusforge.records import Sample

WORDS = "river mountain harbour engine garden lantern copper meadow violin glacier orchard canyon".split()
HAN = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈"


def _en(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def _zh(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HAN) for _ in range(n)) + "。"


def test_ngrams_follow_the_script():
    assert len(ngrams("a b c d e f g h i j k l m n", word_n=13)) == 2
    assert len(ngrams("天地玄黄，宇宙洪荒。" * 1, char_n=4)) == 5  # punctuation ignored: 8 chars, 5 4-grams


def test_overlap_index_finds_pasted_held_out_text_only():
    rng = random.Random(3)
    test_en, test_zh = _en(rng, 60), _zh(rng, 200)
    idx = OverlapIndex()
    idx.add(test_en, "test:en")
    idx.add(test_zh, "test:zh")
    clean_en, clean_zh = _en(rng, 300), _zh(rng, 600)
    pasted_en = clean_en + " " + " ".join(test_en.split()[10:30]) + " " + _en(rng, 50)
    pasted_zh = clean_zh + test_zh[50:80] + _zh(rng, 100)
    assert idx.check(clean_en) is None and idx.check(clean_zh) is None
    hit_en, hit_zh = idx.check(pasted_en), idx.check(pasted_zh)
    assert hit_en is not None and hit_en[1] == "test:en" and hit_en[0] == 20 - 13 + 1
    assert hit_zh is not None and hit_zh[1] == "test:zh" and hit_zh[0] == 30 - 20 + 1


def test_eval_files_jsonl_and_text(tmp_path):
    (tmp_path / "e.jsonl").write_text(
        json.dumps({"q": "first question", "a": ["x", {"y": "nested"}], "n": 3}) + "\n\n", encoding="utf-8"
    )
    (tmp_path / "e.txt").write_text("whole text", encoding="utf-8")
    assert read_eval_texts(tmp_path / "e.jsonl") == ["first question", "x", "nested"]
    assert read_eval_texts(tmp_path / "e.txt") == ["whole text"]
    (tmp_path / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    with pytest.raises(ContaminationFileError, match=r"bad\.jsonl: line 1"):
        read_eval_texts(tmp_path / "bad.jsonl")
    with pytest.raises(ContaminationFileError, match="missing"):
        read_eval_texts(tmp_path / "missing.txt")


def _setup(ws, action: str) -> tuple[str, str]:
    rng = random.Random(5)
    held = _zh(rng, 300)
    (ws.root / "evalset.jsonl").write_text(json.dumps({"question": held}, ensure_ascii=False) + "\n", "utf-8")
    ws.config.eval.contamination_files = ["evalset.jsonl"]
    ws.config.corpus.decontam.action = action
    ws.config.corpus.chunk_tokens = 128
    ws.config.corpus.chunk_overlap = 0
    clean = "\n\n".join(_zh(rng, 150) for _ in range(6))
    dirty = "\n\n".join([_zh(rng, 150), held[100:160], _zh(rng, 150)])
    add_text(ws, "clean.txt", [clean])
    add_text(ws, "dirty.txt", [dirty])
    return clean, held


@pytest.mark.parametrize("action", ["drop", "flag"])
def test_corpus_drops_or_flags_chunks_overlapping_eval_files(workspace, action):
    ws = workspace
    _, held = _setup(ws, action)
    stats = build_corpus(ws)
    listed = list(read_jsonl(ws.out_dir / CONTAMINATED_FILE))
    assert listed and all(r["source"] == "dirty.txt" and r["action"] == action for r in listed)
    assert all(r["held_out"].endswith("evalset.jsonl") for r in listed)
    assert stats.contaminated[action]["items"] == len(listed)
    rows = list(read_jsonl(ws.out_dir / "corpus.jsonl"))
    with_held = [r for r in rows if held[110:140] in r["text"]]
    assert rows and any(r["source"] == "clean.txt" for r in rows)
    if action == "drop":
        assert not with_held
    else:
        assert with_held
        assert any(c.metadata.get("contaminated") for c in ws.store.iter_chunks() if c.source == "dirty.txt")


def test_export_hook_drops_train_samples_pasting_test_text(workspace):
    rng = random.Random(9)
    test_text = _en(rng, 80)

    def sample(i: str, output: str) -> Sample:
        return Sample(i, "qa", "What is said?", "", output, f"{i}.txt", i)

    train = [sample("t1", _en(rng, 60)), sample("t2", _en(rng, 20) + " " + test_text[:200] + _en(rng, 5))]
    by_split = {"train": train, "test": [sample("x1", test_text)]}
    skipped: Counter[str] = Counter()
    out = drop_contaminated(workspace, by_split, skipped)
    assert [s.sample_id for s in out["train"]] == ["t1"] and skipped["contaminated"] == 1
    workspace.config.corpus.decontam.action = "flag"
    out = drop_contaminated(workspace, by_split, skipped)
    assert [s.reasons for s in out["train"]] == [[], ["contaminated"]]


def test_novel_excerpt_pasted_into_training_text_is_found(fixtures_dir):
    text = novel(fixtures_dir, "shuihuzhuan", 20_000)
    idx = OverlapIndex()
    idx.add(text[5_000:6_000], "test")
    assert idx.check(text[:4_000]) is None
    hit = idx.check(text[:4_000] + text[5_300:5_400])
    assert hit is not None and hit[1] == "test"
