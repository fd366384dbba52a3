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
