"""Encoding detection of TXT/Markdown: UTF-8, UTF-8-BOM, UTF-16, GB18030/GBK, Big5."""

from __future__ import annotations

import pytest

from corpusforge.ingest.base import ReadError
from corpusforge.ingest.text import decode

TRADITIONAL = (
    "青溪市自來水公司客戶服務規範。服務熱線實行全天服務，接通率不低於百分之九十五。"
    "用戶投訴應在三個工作日內答覆，涉及水質的投訴應在四小時內派員上門取樣檢測。"
)


@pytest.fixture(scope="module")
def simplified(quickstart_dir):
    return (quickstart_dir / "customer_service_gbk.txt").read_bytes().decode("gbk")


@pytest.mark.parametrize(
    "encoding,expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf_16_le"),
        ("utf-16-be", "utf_16_be"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
    ],
)
def test_simplified_chinese_round_trips(simplified, encoding, expected):
    text, found = decode(simplified.encode(encoding))
    assert text == simplified
    assert found.replace("-", "_") == expected.replace("-", "_")


def test_big5_traditional_chinese():
    data = TRADITIONAL.encode("big5")
    text, found = decode(data)
    assert text == TRADITIONAL
    assert found.startswith("big5")


def test_binary_is_not_text():
    with pytest.raises(ReadError, match="not text"):
        decode(bytes(range(1, 256)) * 40)


def test_gb18030_novel_from_fixtures(fixtures_dir):
    path = next(
        p
        for p in sorted((fixtures_dir / "corpus_zh").rglob("*"))
        if p.is_file() and p.stat().st_size > 100_000
    )
    data = path.read_bytes()
    text, found = decode(data)
    assert found in ("gb18030", "utf-8")
    assert text == data.decode(found)
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in text[:5000]) > 2000


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_chunked_decoding_is_exact_at_every_boundary(simplified, encoding):
    from corpusforge.ingest.text import detect_encoding, iter_decoded

    data = (simplified * 3).encode(encoding)
    found = detect_encoding(data, sample_bytes=101)  # odd sizes cut multi-byte characters
    assert found.replace("-", "_").lower().startswith(encoding.replace("-", "_")[:5])
    for chunk in (1, 7, 1000):
        assert "".join(iter_decoded(data, found, chunk_bytes=chunk)) == data.decode(found)


def test_pages_of_n_characters_split_after_newlines_and_form_feeds():
    from corpusforge.ingest.text import iter_pages

    text = "".join(f"line {i:04d}\r\n" for i in range(300)) + "\fnext part\r"
    pieces = [text[i : i + 13] for i in range(0, len(text), 13)]  # CRLF split across chunks too
    pages = list(iter_pages(iter(pieces), page_chars=1000))
    assert "".join(pages) == text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "")
    assert [len(p) for p in pages] == [1000, 1000, 1000, 10]
    assert all(p.endswith("\n") for p in pages[:3])
    assert pages[-1] == "next part\n"


_RSS_SCRIPT = """
import sys
from corpusforge.ingest.pipeline import ingest_paths
from corpusforge.workspace import init_workspace
ws = init_workspace(sys.argv[2])
ws.config.ingest.ocr = False
def rss(field):
    with open("/proc/self/status") as f:
        return next(int(ln.split()[1]) for ln in f if ln.startswith(field))
with open("/proc/self/clear_refs", "w") as f:  # reset the peak (VmHWM) to the current RSS
    f.write("5")
base = rss("VmRSS:")
summary = ingest_paths(ws, [sys.argv[1]])
peak = rss("VmHWM:")
lens = [len(p.text) for d in ws.store.iter_documents() for p in ws.store.iter_pages(d.doc_id)]
print(len(lens), sum(lens), max(lens), base, peak)
"""


@pytest.mark.parametrize("line", ["Qingxi reservoir level 62.4 m.\n", "青溪水库水位六十二米，供水正常。\n"])
def test_ingesting_a_big_text_file_peaks_under_three_times_its_size(tmp_path, line):
    import subprocess
    import sys

    path = tmp_path / "big.txt"
    encoding = "utf-8" if line.isascii() else "gb18030"
    path.write_bytes((line * (24_000_000 // len(line.encode(encoding)))).encode(encoding))
    size = path.stat().st_size
    out = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, str(path), str(tmp_path / "ws")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    pages, chars, longest, base_kb, peak_kb = map(int, out)
    assert chars == size // len(line.encode(encoding)) * len(line)
    assert longest <= 200_000 and pages >= chars / 200_000
    assert (peak_kb - base_kb) * 1024 <= 3 * size  # the bytes, their pages, the store's writes
