"""Seed files and mutation strategies for the reader fuzz tests (``test_fuzz_readers.py``).

The seeds are made here, so the fuzz tests run on a fresh clone: a PDF with English and Chinese text, a
DOCX with a heading, a table and a header, an HTML page (also gzip-compressed), a GBK text file and a
UTF-8 Markdown file. Mutations: bit flips, byte inserts and deletes, truncation, zeroed ranges, splices of
two files and, for ZIP containers (DOCX), one member damaged and re-zipped so the ZIP opens and its XML is
broken (cut, tags dropped or repeated, numbers in attributes made huge or negative).
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from functools import cache

from hypothesis import strategies as st

EN = "The Qingxi reservoir stood at 62.4 m on 1 March 2025; the water met the national standard."
ZH = "2025年3月1日，青溪水库水位为62.4米，水质符合国家标准。"


def pdf_seed() -> bytes:
    """A one-page PDF with an English and a Chinese line (built-in CJK font, so it stays ~2 KB)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=320, height=200)
    page.insert_text((20, 40), EN[:50], fontsize=9)
    page.insert_text((20, 70), ZH, fontname="china-s", fontsize=9)
    data: bytes = doc.tobytes(garbage=4, deflate=True)
    doc.close()
    return data


def docx_seed() -> bytes:
    """A DOCX with a title property, a heading, a paragraph, a table with merged cells and a header."""
    import docx

    document = docx.Document()
    document.core_properties.title = "供水规则"
    document.add_heading("供水规则 Service rules", level=1)
    document.add_paragraph(f"{EN} {ZH}")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "区域"
    table.cell(0, 1).text = "Zone A"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "合并 merged"
    document.sections[0].header.paragraphs[0].text = "青溪水务 Qingxi Water"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def html_seed() -> bytes:
    """An HTML page with navigation, an article (Chinese and English, a table) and a footer."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>青溪水务 Qingxi Water</title></head>"
        "<body><nav><a href='/'>首页</a> <a href='/news'>News</a></nav><article><h1>水质公告</h1>"
        f"<p>{ZH}</p><p>{EN}</p><table><tr><td>pH</td><td>7.2</td></tr></table></article>"
        "<footer>© 2025 Qingxi</footer></body></html>"
    ).encode()


def txt_seed() -> bytes:
    """A GBK-encoded text file of two form-feed-separated pages."""
    return f"青溪水库简介\n\n{ZH}青溪水库主要用于供水和灌溉。\n\f第二页：水库管理处负责日常调度。\n".encode(
        "gbk"
    )


def md_seed() -> bytes:
    """A UTF-8 Markdown file with a heading, bold text and a list."""
    return f"# Water quality FAQ 水质问答\n\n**Is the tap water safe?** {EN}\n\n- {ZH}\n- pH 7.2\n".encode()


#: file name (its suffix matters to the readers) -> (reader kind, seed builder)
SEEDS = {
    "notice.pdf": ("pdf", pdf_seed),
    "rules.docx": ("docx", docx_seed),
    "page.html": ("html", html_seed),
    "page.html.gz": ("html", lambda: gzip.compress(html_seed(), mtime=0)),
    "intro.txt": ("text", txt_seed),
    "faq.md": ("text", md_seed),
}


@cache
def seed_bytes(name: str) -> bytes:
    """The bytes of the seed file ``name`` (built once)."""
    return SEEDS[name][1]()


_BYTE_OPS = ("flip", "insert", "delete", "truncate", "zero", "splice")
_XML_NUMBER = re.compile(rb'"(-?\d+)"')
_XML_TAG = re.compile(rb"</?[\w:]+[^<>]*>")


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, others: tuple[bytes, ...]) -> bytes:
    """A copy of ``seed`` with one to three mutations; ``others`` are what splices take their tail from."""
    data = seed
    if seed.startswith(b"PK\x03\x04") and draw(st.integers(0, 2)):  # 2 in 3: the ZIP opens, a member is bad
        for _ in range(draw(st.integers(1, 3))):
            data = _mutate_member(draw, data)
        return data
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate_bytes(draw, draw(st.sampled_from(_BYTE_OPS)), data, others)
        if not data:
            break
    return data


def _mutate_bytes(draw: st.DrawFn, op: str, data: bytes, others: tuple[bytes, ...]) -> bytes:
    b = bytearray(data)
    at = draw(st.integers(0, max(len(b) - 1, 0)))
    if op == "flip" and b:
        for _ in range(draw(st.integers(1, 16))):
            b[draw(st.integers(0, len(b) - 1))] ^= 1 << draw(st.integers(0, 7))
    elif op == "insert":
        b[at:at] = draw(st.binary(min_size=1, max_size=64))
    elif op == "delete":
        del b[at : at + draw(st.integers(1, 256))]
    elif op == "truncate":
        del b[at:]
    elif op == "zero":
        n = len(b[at : at + draw(st.integers(1, 512))])
        b[at : at + n] = bytes(n)
    elif op == "splice":
        other = draw(st.sampled_from(others or (data,)))
        b = b[:at] + other[draw(st.integers(0, len(other))) :]
    return bytes(b)


def _mutate_member(draw: st.DrawFn, data: bytes) -> bytes:
    """Damage one member of a ZIP and re-zip it (``data`` is a ZIP that opens)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = [(info.filename, z.read(info)) for info in z.infolist()]
    target = draw(st.integers(0, len(members) - 1))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (name, content) in enumerate(members):
            z.writestr(name, _mutate_xml(draw, content) if i == target else content)
    return out.getvalue()


def _mutate_xml(draw: st.DrawFn, xml: bytes) -> bytes:
    ops = ("number", "drop_tag", "repeat_tag", "cut", "flip", "insert") + ("tree",) * 6
    op = draw(st.sampled_from(ops))
    if op == "tree":  # well-formed XML with a wrong structure, so python-docx gets past parsing
        return _mutate_tree(draw, xml)
    numbers = list(_XML_NUMBER.finditer(xml))
    tags = list(_XML_TAG.finditer(xml))
    if op == "number" and numbers:
        m = draw(st.sampled_from(numbers))
        value = draw(st.sampled_from((b"999999999", b"-1", b"0", b"1e9", b"x", b"9" * 30)))
        return xml[: m.start(1)] + value + xml[m.end(1) :]
    if op == "drop_tag" and tags:
        m = draw(st.sampled_from(tags))
        return xml[: m.start()] + xml[m.end() :]
    if op == "repeat_tag" and tags:
        m = draw(st.sampled_from(tags))
        return xml[: m.end()] + m.group() * draw(st.integers(1, 300)) + xml[m.end() :]
    if op == "insert":
        at = draw(st.integers(0, len(xml)))
        junk = draw(
            st.sampled_from((b"<", b">", b"&", b'"', b"\xff\xfe", b"<w:p>", b"<w:tbl><w:tr>", b"]]>"))
        )
        return xml[:at] + junk + xml[at:]
    if op == "flip" and xml:
        b = bytearray(xml)
        b[draw(st.integers(0, len(b) - 1))] ^= 1 << draw(st.integers(0, 7))
        return bytes(b)
    return xml[: draw(st.integers(0, len(xml)))]  # "cut", and the fallback of the others


_ODD_VALUES = ("999999999", "-1", "0", "", "x", "9" * 30, "rId999", "\u9752" * 3)


def _mutate_tree(draw: st.DrawFn, xml: bytes) -> bytes:
    """Drop, copy or move an element, or give an attribute an odd value; the XML stays well-formed."""
    from lxml import etree

    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError:  # not an XML member (an image, a font): cut it instead
        return xml[: draw(st.integers(0, len(xml)))]
    elements = list(root.iter())
    node = draw(st.sampled_from(elements))
    op = draw(st.sampled_from(("drop", "copy", "move", "attribute", "text")))
    if op == "attribute":
        names = list(node.attrib) or ["{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val"]
        node.set(draw(st.sampled_from(names)), draw(st.sampled_from(_ODD_VALUES)))
    elif op == "text":
        node.text = draw(st.sampled_from(_ODD_VALUES))
    elif node is not root:
        target = draw(st.sampled_from(elements))
        parent = node.getparent()
        if op == "drop":
            parent.remove(node)
        elif op == "copy" and node not in target.iterancestors() and target is not node:
            from copy import deepcopy

            target.insert(draw(st.integers(0, len(target))), deepcopy(node))
        elif op == "move" and target is not node and node not in target.iterancestors():
            target.insert(draw(st.integers(0, len(target))), node)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
