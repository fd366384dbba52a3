import numpy as np
import pytest
from corpus_testlib import novel

from corpusforge.corpus.lsh import DedupIndex, exact_key
from corpusforge.corpus.minhash import (
    char_shingles,
    jaccard,
    optimal_params,
    signature,
    signatures,
    word_shingles,
)


def _exact(a: np.ndarray, b: np.ndarray) -> float:
    sa, sb = set(a.tolist()), set(b.tolist())
    return len(sa & sb) / len(sa | sb)


def test_signature_estimates_jaccard(fixtures_dir):
    text = novel(fixtures_dir, "sanguoyanyi", 3000)
    a = char_shingles(text[:2000], 5)
    b = char_shingles(text[200:2200], 5)
    est = jaccard(signature(a, 256), signature(b, 256))
    assert abs(est - _exact(a, b)) < 0.08
    assert jaccard(signature(a), signature(char_shingles(text[:2000], 5))) == 1.0


def test_batched_signatures_equal_single(fixtures_dir):
    text = novel(fixtures_dir, "shuihuzhuan", 40_000)
    sets = [char_shingles(text[i : i + 300], 5) for i in range(0, 39_000, 300)] + [np.zeros(0, np.uint64)]
    sets.append(char_shingles(text, 5))  # larger than one block
    batch = signatures(sets, 128)
    for s, row in zip(sets[:-2], batch[:-2], strict=True):
        assert np.array_equal(signature(s, 128), row)
    assert np.array_equal(signature(sets[-1], 128), batch[-1])


def test_word_shingles_ignore_case_and_punctuation():
    assert set(word_shingles("The quick brown fox.", 2).tolist()) == set(
        word_shingles("the QUICK, brown fox", 2).tolist()
    )


def test_lsh_parameters_match_datasketch():
    from datasketch.lsh import _optimal_param

    for t, n in ((0.8, 128), (0.5, 64), (0.9, 256)):
        assert optimal_params(t, n) == _optimal_param(t, n, 0.5, 0.5)


@pytest.mark.parametrize("on_disk", [False, True])
def test_index_finds_near_duplicates_and_names_kept_copy(fixtures_dir, tmp_path, on_disk):
    text = novel(fixtures_dir, "shuihuzhuan", 20_000)
    paras = [text[i : i + 400] for i in range(0, 20_000, 400)]
    edited = paras[7][:150] + "某" + paras[7][151:]  # one character changed
    idx = DedupIndex(0.8, 128, tmp_path / "lsh.db" if on_disk else None)
    sigs = signatures([char_shingles(p, 5) for p in [*paras, edited]], 128)
    keys = idx.keys(sigs)
    for i in range(len(paras)):
        assert idx.query(sigs[i], keys[i]) is None
        idx.insert(sigs[i], keys[i], f"para{i}")
    hit = idx.query(sigs[-1], keys[-1])
    assert hit is not None and hit[0] == "para7" and hit[1] >= 0.8
    assert idx.exact(exact_key("Some text."), "a") is None
    assert idx.exact(exact_key("some   TEXT"), "b") == "a"
    idx.close()
    assert not (tmp_path / "lsh.db").exists()
