"""Fuzzing the readers: a mutated file gives text or a one-line reason, never a traceback (issue 19a).

Each reader gets 500 mutated copies of seed files made in ``ingest_fuzzlib`` (bit flips, inserts,
deletes, truncation, zeroed ranges, splices, damaged DOCX members re-zipped) and, when ../shared/fixtures
is present, 100 of each of a few small real files. The property, through detection and the reader as
:func:`corpusforge.ingest.files.ingest_file` calls them: the file reads (text pages, one-line warnings) or
the reader raises :class:`ReadError` with a non-empty one-line reason; no other exception escapes.
Examples are derandomized, so CI sees the same files every run; ``-s`` prints how each reader's ended.
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pymupdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_fuzzlib import SEEDS, mutated, seed_bytes

from corpusforge.ingest.base import ReadError, ReadResult
from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.detect import detect_kind
from corpusforge.ingest.files import ingest_file
from corpusforge.ingest.registry import get_reader

N_SEED = 500  # mutated copies per reader (split over that reader's seeds)
N_FIXTURE = 100  # mutated copies per fixture file
N_INGEST = 100  # mutated PDF and DOCX files put through ingest_file
CFG = IngestConfig(ocr=False, pdf_passwords=["foo"])  # "foo" opens the encrypted fixture
FIXTURES = [
    ("pdf", "pdf/en_unstructured_rotated-page-90.pdf"),
    ("pdf", "pdf/zh_pymupdf_broken-font-mapping_has-bad-fonts.pdf"),
    ("pdf", "pdf/zh-en_pymupdf_shipping-notice_test_3854.pdf"),
    ("pdf", "pdf/en_pdfminer_encrypted-aes128-password-foo.pdf"),
    ("docx", "docx/en_unstructured_docx-tables.docx"),
    ("docx", "docx/en_unstructured_docx-hdrftr.docx"),
    ("html", "html/trafilatura-eval-subset/html/nhk.or.jp.k100.html.gz"),
]


@pytest.fixture(autouse=True, scope="module")
def _quiet_mupdf():
    """MuPDF writes a line to stderr for every repair it makes; thousands of them say nothing here."""
    shown = pymupdf.TOOLS.mupdf_display_errors()
    pymupdf.TOOLS.mupdf_display_errors(False)
    yield
    pymupdf.TOOLS.mupdf_display_errors(shown)


def read_outcome(kind: str, data: bytes, name: str) -> str:
    """Detect and read ``data`` as the file ``name``: ``"text"`` or ``"reason"``; anything else fails."""
    path = Path(name)
    detected, what = detect_kind(data, path.suffix.lower())
    assert detected is None or isinstance(detected, str)
    assert what and "\n" not in what
    try:
        result = get_reader(kind)(data, path, CFG)
    except ReadError as e:
        reason = str(e)
        assert reason and "\n" not in reason, repr(reason)
        return "reason"
    assert isinstance(result, ReadResult) and result.pages
    assert all(isinstance(p.text, str) for p in result.pages) and isinstance(result.title, str)
    assert all(w and "\n" not in w for w in result.warnings), result.warnings
    return "text"


def fuzz(kind: str, name: str, seed: bytes, n: int) -> Counter[str]:
    """Read ``n`` mutated copies of ``seed`` with the ``kind`` reader; count how they ended."""
    others = tuple(seed_bytes(s) for s in SEEDS if s != name)  # what splices graft on
    tally: Counter[str] = Counter()

    @settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(seed, others))
    def read_never_crashes(data: bytes) -> None:
        tally[read_outcome(kind, data, name)] += 1

    read_never_crashes()
    print(f"\n{kind} reader, {n} mutated copies of {name}: {dict(tally)}")
    return tally


def _seeds_of(kind: str) -> list[str]:
    return [name for name, (k, _build) in SEEDS.items() if k == kind]


@pytest.mark.parametrize("kind", ["pdf", "docx", "html", "text"])
def test_reader_survives_mutated_seed_files(kind):
    names = _seeds_of(kind)
    total: Counter[str] = Counter()
    for name in names:
        total += fuzz(kind, name, seed_bytes(name), N_SEED // len(names))
    assert sum(total.values()) == N_SEED
    assert total["text"] > 0  # some mutations leave a readable file ...
    if kind != "html":  # ... and some are refused with a reason (HTML parsing accepts any bytes)
        assert total["reason"] > 0


def test_seed_files_read_cleanly():
    """The unmutated seeds read, so the mutations start from files of the right format."""
    for name, (kind, _build) in SEEDS.items():
        result = get_reader(kind)(seed_bytes(name), Path(name), CFG)
        text = "\n".join(p.text for p in result.pages)
        assert "62.4" in text and "水" in text, (name, text)
        assert detect_kind(seed_bytes(name), Path(name).suffix)[0] == kind


@pytest.mark.parametrize(("kind", "rel"), FIXTURES, ids=[Path(r).name for _k, r in FIXTURES])
def test_reader_survives_mutated_fixture_files(kind, rel, fixtures_dir):
    tally = fuzz(kind, Path(rel).name, (fixtures_dir / rel).read_bytes(), N_FIXTURE)
    assert sum(tally.values()) == N_FIXTURE


def test_ingest_records_each_mutated_file_with_a_one_line_reason(make_ws, tmp_path):
    """Through ``ingest_file``: every failure names its file and comes from a reader, not a crash."""
    ws = make_ws()
    folder = tmp_path / "in"
    folder.mkdir()
    statuses: Counter[str] = Counter()

    @settings(max_examples=N_INGEST, deadline=None, derandomize=True, database=None)
    @given(
        st.sampled_from(["rules.docx", "notice.pdf"]).flatmap(
            lambda name: st.tuples(st.just(name), mutated(seed_bytes(name), ()))
        )
    )
    def ingest_one(case: tuple[str, bytes]) -> None:
        name, data = case
        path = folder / f"{sum(statuses.values()):03d}_{name}"
        path.write_bytes(data)
        out = ingest_file(ws, path, path.name)
        statuses[out.status] += 1
        if out.status == "failed":
            assert out.path.endswith(path.name)
            assert out.reason and "\n" not in out.reason
            assert not out.reason.startswith("reader error"), out.reason  # an exception a reader let out

    ingest_one()
    print(f"\ningest_file on {N_INGEST} mutated PDF/DOCX files: {dict(statuses)}")
    assert sum(statuses.values()) == N_INGEST and statuses["failed"] > 0
    failed = {f["path"] for f in ws.store.failed_files()}
    assert len(failed) == statuses["failed"]


def test_gzip_html_that_expands_past_the_size_limit_is_refused():
    """A 10 KB download that inflates to 10 MB is stopped at ingest.max_file_mb, not read into memory."""
    bomb = gzip.compress(b"<html><body>" + b"<p>x</p>" * (10 * 1024 * 1024 // 8), mtime=0)
    assert len(bomb) < 50_000
    with pytest.raises(ReadError, match=r"^too large: gzip-compressed HTML expands past 1 MB"):
        get_reader("html")(bomb, Path("bomb.html.gz"), IngestConfig(ocr=False, max_file_mb=1))
