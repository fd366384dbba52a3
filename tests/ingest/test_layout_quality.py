"""Reading order (XY-cut) and text-layer checks on small hand-made layouts and strings."""

from __future__ import annotations

from corpusforge.ingest.layout import Block, reading_order
from corpusforge.ingest.quality import check_text


def _line_blocks(x0, x1, y0, texts, leading=17.0):
    return [Block(x0, y0 + i * leading, x1, y0 + i * leading + 12, t + "\n") for i, t in enumerate(texts)]


def test_two_text_columns_are_read_one_after_the_other():
    left = _line_blocks(60, 290, 100, [f"left line {i} " + "x" * 30 for i in range(8)])
    right = _line_blocks(305, 535, 100, [f"right line {i} " + "y" * 30 for i in range(8)])
    title = [Block(150, 60, 450, 80, "Title across both columns\n")]
    footer = [Block(60, 400, 535, 412, "A full-width paragraph below the columns " * 2 + "\n")]
    ordered, columns = reading_order(right + footer + left + title)
    texts = [
        b.text.split(" ", 3)[0] + " " + b.text.split(" ", 3)[2] if " line " in b.text else b.text[:5]
        for b in ordered
    ]
    assert columns == 2
    assert texts[0] == "Title"
    assert texts[1:9] == [f"left {i}" for i in range(8)]
    assert texts[9:17] == [f"right {i}" for i in range(8)]
    assert texts[17] == "A ful"


def test_table_cells_are_read_row_by_row():
    rows = []
    for r in range(4):
        y = 100 + r * 20
        rows += [
            Block(60, y, 110, y + 12, f"r{r}c0\n"),
            Block(200, y, 260, y + 12, f"{r}.5\n"),
            Block(350, y, 420, y + 12, f"{r * 7}\n"),
        ]
    ordered, columns = reading_order(list(reversed(rows)))
    assert columns == 1
    assert [b.text.strip() for b in ordered][:6] == ["r0c0", "0.5", "0", "r1c0", "1.5", "7"]


def test_boxes_of_one_line_are_read_left_to_right_when_their_tops_jitter():
    # OCR boxes of a grid of names: a row's boxes differ in top by a few points, rows are 20 points apart
    names = [["杨启光", "陈光磊", "陈学超", "周小兵"], ["班", "弨", "郭", "熙"]]
    jitter = [0.0, -1.5, 2.0, -0.8]
    boxes = [
        Block(150 + 50 * c + j, 160 + 20 * r + j, 186 + 50 * c, 176 + 20 * r + j, name)
        for r, row in enumerate(names)
        for c, (name, j) in enumerate(zip(row, jitter, strict=True))
    ]
    label = [Block(89, 140, 234, 154, "顾问：（按姓氏笔画排列）")]
    ordered, _ = reading_order(list(reversed(boxes)) + label)
    assert [b.text for b in ordered] == ["顾问：（按姓氏笔画排列）"] + names[0] + names[1]


def test_text_checks():
    prose = "青溪市自来水公司2025年全年供水总量1.42亿立方米，同比增长3.6%。" * 5
    assert check_text(prose).quality == "ok"
    assert check_text(prose + "大家哈哈哈").quality == "ok"  # one laugh is not a broken font
    assert check_text("").quality == "empty"
    assert check_text("p. 3", has_images=True).quality == "empty"
    assert check_text("Secret!").quality == "ok"
    assert check_text("佛佛佛佛佛佛佛佛 山山山山山 一般贸易 纸纸\n" * 3).quality == "garbage"
    assert check_text("\ufffd\ufffd\ufffd\ufffd ab \ufffd\ufffd\ufffd").quality == "garbage"
    assert check_text("㐀㐁㐂㐃㐄㐅 hello").quality == "garbage"
