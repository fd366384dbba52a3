"""PDF tables as Markdown: cell accuracy of four table finders side by side, and the cost of tables and
image OCR on text pages (``python bench/bench_pdf_tables.py [--timing]``).

Finders: PyMuPDF ``find_tables`` with ruling lines only (``lines``), ``find_tables`` with its layout model
(``layout``, the pymupdf-layout package), and pymupdf4llm's Markdown without and with its layout mode.
Gold: tables this script draws itself (known cells) and fixture tables whose cells were typed from the
rendered page. Cells are compared after removing whitespace and Markdown markup, row by row at the best
row offset, the empty cells of merged spans left out; P/R/F1 count cells. Times are CPU seconds
(``time.process_time``), so ratios hold on a loaded machine.
"""

from __future__ import annotations

import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import pymupdf

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "pdf"
sys.path.insert(0, str(ROOT / "src"))

QWEN_CFG = [
    ["Configuration", "0.5B", "1.5B", "7B", "72B", "57B-A14B"],
    ["Hidden Size", "896", "1,536", "3,584", "8,192", "3,584"],
    ["# Layers", "24", "28", "28", "80", "28"],
    ["# Query Heads", "14", "12", "28", "64", "28"],
    ["# KV Heads", "2", "2", "4", "8", "4"],
    ["Head Size", "64", "128", "128", "128", "128"],
    ["Intermediate Size", "4,864", "8,960", "18,944", "29,568", "2,560"],
    ["# Routed Experts", "-", "-", "-", "-", "64"],
    ["# Activated Experts", "-", "-", "-", "-", "8"],
    ["# Shared Experts", "-", "-", "-", "-", "8"],
    ["Embedding Tying", "True", "True", "False", "False", "False"],
    ["Vocabulary Size", "151,646", "151,646", "151,646", "151,646", "151,646"],
    ["# Trained Tokens", "12T", "7T", "7T", "7T", "4.5T"],
]
_RATING = ["偿还债务的能力很强，受不利经济环境的影响不大，违约风险很低"]
_BOTH = "中诚信国际信用评级有限责任公司、联合资信评估有限公司"
BANKS = [
    ["序号", "金融机构名称", "授信总额", "已使用情况", "剩余额度"],
    ["1", "工商银行", "330,435.30", "234,850.00", "95,585.30"],
    ["2", "徽商银行南京中山北路支行", "330,435.30", "256,735.30", "73,700.00"],
    ["3", "兴业银行盐城分行", "302,600.00", "110,600.00", "192,000.00"],
    ["4", "民生银行盐城分行", "262,000.00", "88,500.00", "173,500.00"],
    ["5", "中信银行盐城分行", "205,088.00", "205,088.00", "0.00"],
    ["6", "南京银行盐城分行", "175,170.00", "175,170.00", "0.00"],
    ["7", "杭州银行", "109,000.00", "32,690.00", "76,310.00"],
    ["8", "江苏银行", "218,597.00", "218,597.00", "0.00"],
    ["9", "渤海银行", "98,000.00", "0.00", "98,000.00"],
    ["10", "恒丰银行南京江北支行", "93,900.00", "43,500.00", "50,400.00"],
    ["11", "上海银行盐城分行", "46,265.00", "46,265.00", "0.00"],
]
FIXTURE_GOLD: dict[tuple[str, int], list[list[list[str]]]] = {
    ("zh_pymupdf_annual-report-tables_chinese-tables.pdf", 0): [
        [
            ["年份", "主体信用评级", "涵义", "评级机构", "评级展望"],
            ["2023", "AA+", *_RATING, _BOTH, "稳定"],
            ["2022", "AA+", *_RATING, _BOTH, "稳定"],
            ["2021", "AA+", *_RATING, "联合资信评估有限公司", "稳定"],
            ["2020", "AA+", *_RATING, "联合资信评估有限公司", "稳定"],
        ],
        BANKS,
    ],
    ("zh_mineru_ship-rules_2list_1table.pdf", 0): [
        [
            ["智能作业功能标志", "功能标志含义说明", "技术要求"],
            [
                "Dx",
                "智能疏浚",
                "D——表示疏浚船具有本规范第10章10.2.1.3规定的智能疏浚基本功能；x——补充功能标志，具体采用"
                "以下小写字母表示：a——表示可实现本规范第10章10.2.1.4（1）规定的一键疏浚功能；m——表示疏浚"
                "设备实施视情维护；",
                "本规范第10章10.2",
            ],
        ]
    ],
    ("ko_unstructured_korean-text-with-tables.pdf", 0): [
        [
            ["업종", "적립 대상"],
            ["할인점", "이마트, 이마트 트레이더스, 롯데마트, 홈플러스"],
            ["주유", "모든 주유소"],
            ["온라인쇼핑몰", "삼성카드 쇼핑, G마켓, 옥션, 11번가, 인터파크, 쿠팡, 티몬, 위메프"],
        ],
        [
            ["업종", "적립 대상"],
            [
                "커피전문점",
                "스타벅스, 투썸플레이스, 카페베네, 탐앤탐스, 커피빈, 엔제리너스, 할리스커피, 파스쿠찌, 아티제, 폴 바셋",
            ],
            ["제과점", "파리바게뜨, 뚜레쥬르"],
            ["편의점", "CU, GS25, 세븐일레븐, 미니스톱"],
        ],
    ],
    ("en_pymupdf_qwen2-tech-report_test_4751.pdf", 4): [QWEN_CFG],
}
SYNTH = {
    "zh 3x4 grid": [
        ["地区", "收入", "成本", "利润"],
        ["华东", "1200", "800", "400"],
        ["华北", "950", "700", "250"],
    ],
    "zh 8x5 grid": [["项目", "2021", "2022", "2023", "增长"]]
    + [[f"指标{i}", f"{i * 111}.5", f"{i * 97}.0", f"{i * 131}.25", f"{i}.{i}%"] for i in range(1, 8)],
    "en 6x4 booktabs": [["Model", "MMLU", "GSM8K", "HumanEval"]]
    + [[f"model-{i}", f"{60 + i}.{i}", f"{50 + 2 * i}.0", f"{30 + 3 * i}.5"] for i in range(1, 6)],
}


def synth_pdf(cells: list[list[str]], booktabs: bool) -> bytes:
    """A page with text above and below a table of ``cells`` (a full grid, or three booktabs rules)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "表格之前的一段说明文字。", fontname="china-s", fontsize=11)
    x0, y0, w, h = 72.0, 200.0, 90.0, 24.0
    rows, cols = len(cells), len(cells[0])
    rules = [0, 1, rows] if booktabs else range(rows + 1)
    for i in rules:
        page.draw_line((x0, y0 + i * h), (x0 + cols * w, y0 + i * h))
    for j in [] if booktabs else range(cols + 1):
        page.draw_line((x0 + j * w, y0), (x0 + j * w, y0 + rows * h))
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            page.insert_text((x0 + j * w + 5, y0 + i * h + 16), cell, fontname="china-s", fontsize=10)
    page.insert_text((72, y0 + rows * h + 50), "表格之后的结论。", fontname="china-s", fontsize=11)
    data = doc.tobytes()
    doc.close()
    return data


_MARK = re.compile(r"<br>|\*\*|\s")


def norm(cell: str) -> str:
    return _MARK.sub("", unicodedata.normalize("NFKC", cell or "")).replace("\\|", "|")


def md_tables(markdown: str) -> list[list[list[str]]]:
    """Markdown tables in ``markdown`` as rows of cells (separator rows dropped)."""
    tables: list[list[list[str]]] = []
    cur: list[list[str]] = []
    for line in markdown.splitlines() + [""]:
        s = line.strip()
        if s.startswith("|") and s.endswith("|"):
            cells = [c.strip() for c in s[1:-1].split("|")]
            if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
                cur.append(cells)
        elif cur:
            tables.append(cur)
            cur = []
    return tables


def score(gold: list[list[str]], tables: list[list[list[str]]]) -> tuple[int, int, int]:
    """(matched cells, gold cells, predicted cells of the best-matching table)."""
    g = [[norm(c) for c in row if norm(c)] for row in gold]
    n_gold = sum(map(len, g))
    best = (0, n_gold, 0)
    for t in tables:
        p = [[norm(c) for c in row if norm(c)] for row in t]
        p = [row for row in p if row]
        for off in range(-len(g), len(p)):
            hit = sum(
                a == b
                for i, row in enumerate(g)
                if 0 <= i + off < len(p)
                for a, b in zip(row, p[i + off], strict=False)
            )
            if hit > best[0] or (hit == best[0] and hit and sum(map(len, p)) < best[2]):
                best = (hit, n_gold, sum(map(len, p)))
    return best


def finders() -> dict[str, Any]:
    import pymupdf4llm

    from corpusforge.ingest.tables import clean_rows

    def ft(layout: bool) -> Any:
        return lambda doc, n: [clean_rows(t.extract()) for t in doc[n].find_tables(use_layout=layout).tables]

    def llm(layout: bool) -> Any:
        def run(doc: Any, n: int) -> list[list[list[str]]]:
            pymupdf4llm.use_layout(layout)
            try:
                return md_tables(pymupdf4llm.to_markdown(doc, pages=[n], show_progress=False))
            finally:
                pymupdf4llm.use_layout(True)

        return run

    return {
        "find_tables lines": ft(False),
        "find_tables layout": ft(True),
        "pymupdf4llm": llm(False),
        "pymupdf4llm layout": llm(True),
    }


def cases() -> list[tuple[str, Any, int, list[list[list[str]]]]]:
    out = [
        (name, pymupdf.open("pdf", synth_pdf(cells, "booktabs" in name)), 0, [cells])
        for name, cells in SYNTH.items()
    ]
    if FIXTURES.is_dir():
        for (file, n), gold in FIXTURE_GOLD.items():
            out.append((f"{file[:28]} p{n + 1}", pymupdf.open(FIXTURES / file), n, gold))
    return out


def accuracy() -> None:
    fs = finders()
    totals = {k: [0, 0, 0, 0.0] for k in fs}
    print(f"{'case':36}" + "".join(f"{k:>22}" for k in fs))
    for name, doc, n, gold in cases():
        row = f"{name:36}"
        for k, fn in fs.items():
            t = time.process_time()
            try:
                tables = fn(doc, n)
            except Exception as e:  # a finder that crashes scores zero on the case
                print(f"  {k} failed on {name}: {e}")
                tables = []
            totals[k][3] += time.process_time() - t
            hit = g = p = 0
            for table in gold:
                h, gg, pp = score(table, tables)
                hit, g, p = hit + h, g + gg, p + pp
            totals[k][0] += hit
            totals[k][1] += g
            totals[k][2] += p
            row += f"{f'{hit}/{g}':>22}"
        print(row)
    print(f"{'cell P / R / F1, CPU s':36}", end="")
    for hit, g, p, sec in totals.values():
        prec, rec = hit / max(p, 1), hit / max(g, 1)
        f1 = 2 * prec * rec / max(prec + rec, 1e-9)
        print(f"{f'{prec:.2f}/{rec:.2f}/{f1:.2f} {sec:.1f}s':>22}", end="")
    print()


def timing(repeats: int = 3) -> None:
    """CPU time of our page read vs raw ``page.get_text()`` on every fixture text page, side by side."""
    from corpusforge.ingest.config import IngestConfig
    from corpusforge.ingest.pdf import _read_page

    on = IngestConfig(ocr=True)
    off = IngestConfig(ocr=True, pdf_tables="off", image_ocr=False)
    rows: dict[str, list[float]] = {"plain": [0, 0, 0], "tables": [0, 0, 0], "images": [0, 0, 0]}
    for path in sorted(FIXTURES.glob("*.pdf")):
        doc = pymupdf.open(path)
        if doc.needs_pass:
            continue
        for n in range(doc.page_count):
            best = [1e9, 1e9, 1e9]
            meta: dict[str, Any] = {}
            for _ in range(repeats):
                for i, run in enumerate(
                    (
                        lambda d=doc, k=n: d.load_page(k).get_text(),
                        lambda d=doc, k=n: _read_page(d, k + 1, off, dict.fromkeys(COUNTS, 0), []),
                        lambda d=doc, k=n: _read_page(d, k + 1, on, dict.fromkeys(COUNTS, 0), []),
                    )
                ):
                    t = time.process_time()
                    out = run()
                    best[i] = min(best[i], time.process_time() - t)
                    if i == 2:
                        meta = out.metadata  # type: ignore[union-attr]
            if meta.get("text_source") != "text":
                continue  # scanned or garbled pages are OCR pages, timed in bench/ingest.py
            kind = "images" if "ocr_regions" in meta else "tables" if "tables" in meta else "plain"
            for i in range(3):
                rows[kind][i] += best[i]
    print("text pages          raw get_text   ours(tables+image OCR off)   ours(on)   on/raw   off/raw")
    for kind, (raw, o_off, o_on) in rows.items():
        if raw:
            print(
                f"{kind:18} {raw:10.3f}s {o_off:14.3f}s {o_on:18.3f}s {o_on / raw:8.2f}x {o_off / raw:8.2f}x"
            )


COUNTS = ("ocr", "empty", "garbage", "multi_column", "broken")

if __name__ == "__main__":
    accuracy()
    if "--timing" in sys.argv and FIXTURES.is_dir():
        timing()
