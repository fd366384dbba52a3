"""Write the quickstart documents into ``examples/quickstart/docs/``.

Five short, fictional documents about the Qingxi City Water Utility
(青溪市自来水公司), one per reader, with concrete facts and numbers that
grounding checks can test:

* ``annual_report_2025.pdf``  Chinese annual report, 3 pages, running header and
  page numbers on every page, wrapped paragraphs, a two-column page.
* ``service_rules.docx``      Chinese service rules with a price table and a header/footer.
* ``news_east_lake.html``     Chinese news page with menu, footer and comments around the article.
* ``customer_service_gbk.txt`` Chinese customer-service rules, GBK encoded.
* ``water_quality_faq.md``    English water-quality FAQ.

Run ``python examples/quickstart/make_docs.py`` to regenerate them (output is
deterministic apart from the PDF/DOCX container timestamps, which are fixed too).
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"

HEADER = "青溪市自来水公司 2025年度报告"

PAGE1 = [
    ("一、公司概况", [
        "青溪市自来水公司成立于1987年3月12日，是青溪市人民政府出资设立的国有独资供水企业，"
        "负责中心城区及东湖、西山两个片区的原水取用、净水生产、管网输配和客户服务。截至2025年12月31日，"
        "公司服务人口约86万人，注册用水户31.7万户，在职员工1,246人。",
        "公司下设净水生产部、管网运维部、水质监测中心、客户服务部和计划财务部五个业务部门。"
        "净水生产部管理东湖水厂和西山水厂，两座水厂设计日供水能力合计43万立方米，其中东湖水厂25万立方米，"
        "西山水厂18万立方米。",
        "2025年，公司全年供水总量1.42亿立方米，同比增长3.6%；售水量1.30亿立方米，"
        "营业收入4.87亿元，同比增长4.1%。全年未发生影响居民正常用水的重大供水事故，"
        "计划停水全部提前24小时通知到户。",
    ]),
]

PAGE2_LEFT = (
    "二、净水生产\n"
    "东湖水厂以青溪水库为水源，采用“混凝—沉淀—砂滤—臭氧活性炭—消毒”深度处理工艺，"
    "2025年日均供水量21.3万立方米，最高日供水量24.6万立方米，出现在7月28日。"
    "西山水厂以西山河为水源，日均供水量15.6万立方米。两座水厂全年电耗为每千立方米"
    "312千瓦时，较2024年下降2.4%。"
)
PAGE2_RIGHT = (
    "三、水质管理\n"
    "水质监测中心按照国家生活饮用水卫生标准，每月对出厂水和管网水检测106项指标，"
    "全年共采集水样8,940份。出厂水浊度平均0.12 NTU，管网水余氯合格率99.8%，"
    "水质综合合格率99.96%。中心在全市设置了58个管网水质在线监测点，"
    "数据每5分钟上传一次。"
)
PAGE2_BOTTOM = (
    "四、管网运维\n"
    "截至2025年底，公司供水管网总长度2,318公里，当年新建和改造管网96公里，"
    "更换老旧铸铁管41公里。管网漏损率由2024年的9.8%下降至8.1%。"
    "管网运维部全年处理报修工单1.93万件，平均到场时间1.6小时。"
)

PAGE3 = [
    ("五、水价与客户服务", [
        "居民生活用水实行阶梯水价：第一阶梯（年用水量180立方米及以下）每立方米2.85元，"
        "第二阶梯（181至260立方米）每立方米3.60元，第三阶梯（260立方米以上）每立方米5.10元。"
        "非居民用水价格为每立方米4.20元。",
        "客户服务部运营的966123服务热线全年接听来电21.4万次，接通率97.3%，"
        "客户满意度96.2%。网上营业厅办理业务占比达到68%，较2024年提高11个百分点。",
    ]),
    ("六、2026年工作计划", [
        "2026年，公司计划投资3.2亿元，启动西山水厂深度处理改造工程，新建和改造管网110公里，"
        "力争将管网漏损率降至7.5%以下，并在2026年6月30日前完成全部1.2万户老旧小区二次供水设施改造。",
    ]),
]


def _pdf_page(doc, number: int, total: int):
    """Add a page with the running header and page number footer."""
    import pymupdf

    page = doc.new_page(width=595, height=842)
    page.insert_textbox(pymupdf.Rect(60, 30, 535, 50), HEADER, fontname="china-s", fontsize=9, align=1)
    page.draw_line((60, 52), (535, 52), width=0.5)
    page.insert_textbox(pymupdf.Rect(60, 800, 535, 820), f"第 {number} 页 共 {total} 页",
                        fontname="china-s", fontsize=9, align=1)
    return page


def _sections(page, sections, top: float) -> float:
    """Write headed sections of wrapped paragraphs from ``top`` down; return the new top."""
    import pymupdf

    for title, paragraphs in sections:
        page.insert_textbox(pymupdf.Rect(60, top, 535, top + 30), title, fontname="china-s", fontsize=14)
        top += 28
        for para in paragraphs:
            rect = pymupdf.Rect(60, top, 535, 780)
            rest = page.insert_textbox(rect, "　　" + para, fontname="china-s", fontsize=11, lineheight=1.5)
            top = 780 - rest + 10
    return top


def make_pdf(path: Path) -> None:
    """Write the 3-page annual report."""
    import pymupdf

    doc = pymupdf.open()
    page = _pdf_page(doc, 1, 3)
    page.insert_textbox(pymupdf.Rect(60, 70, 535, 100), "青溪市自来水公司2025年度报告",
                        fontname="china-s", fontsize=18, align=1)
    _sections(page, PAGE1, 120)

    page = _pdf_page(doc, 2, 3)
    for rect, text in ((pymupdf.Rect(60, 80, 290, 420), PAGE2_LEFT), (pymupdf.Rect(305, 80, 535, 420), PAGE2_RIGHT)):
        page.insert_textbox(rect, text, fontname="china-s", fontsize=11, lineheight=1.5)
    page.insert_textbox(pymupdf.Rect(60, 440, 535, 700), PAGE2_BOTTOM, fontname="china-s", fontsize=11,
                        lineheight=1.5)

    page = _pdf_page(doc, 3, 3)
    _sections(page, PAGE3, 80)

    stamp = "D:20260115090000+08'00'"
    doc.set_metadata({"title": "青溪市自来水公司2025年度报告", "author": "青溪市自来水公司",
                      "creationDate": stamp, "modDate": stamp, "producer": "corpusforge quickstart"})
    doc.save(path, garbage=3, deflate=True, no_new_id=True)


RULES = [
    ("第一条", "为规范青溪市自来水公司（以下简称“公司”）供水服务行为，保障用户合法权益，制定本规则。"),
    ("第二条", "公司实行每两个月抄表一次，抄表员应在抄表后3个工作日内将用水量和应缴水费告知用户。"),
    ("第三条", "用户报修管道漏水、停水或水压不足的，管网运维部应在2小时内到达现场，"
               "一般故障在24小时内修复。"),
    ("第四条", "计划停水应提前24小时通过短信、公告和网上营业厅通知用户；"
               "停水超过12小时的，公司应安排送水车临时供水。"),
    ("第五条", "居民生活用水实行阶梯水价，具体价格见下表。"),
]
RULES_AFTER = [
    ("第六条", "用户欠缴水费超过60天的，公司可在书面催告7日后依法采取措施，但不得对孤寡老人家庭停水。"),
    ("第七条", "本规则自2025年7月1日起施行，由公司客户服务部负责解释。"),
]
PRICE_TABLE = [
    ("阶梯", "年用水量（立方米）", "单价（元/立方米）"),
    ("第一阶梯", "0—180", "2.85"),
    ("第二阶梯", "181—260", "3.60"),
    ("第三阶梯", "260以上", "5.10"),
]


def make_docx(path: Path) -> None:
    """Write the service rules with a table, a header and a footer."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "青溪市自来水公司 供水服务规则（2025年修订）"
    section.footer.paragraphs[0].text = "客户服务热线：966123    青溪市自来水公司客户服务部"
    document.add_heading("青溪市自来水公司供水服务规则", level=1)
    for head, body in RULES:
        document.add_paragraph(f"{head}　{body}")
    table = document.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    for row in PRICE_TABLE:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    for head, body in RULES_AFTER:
        document.add_paragraph(f"{head}　{body}")
    fixed = dt.datetime(2025, 6, 20, 9, 0, 0)
    document.core_properties.created = fixed
    document.core_properties.modified = fixed
    document.core_properties.author = "青溪市自来水公司客户服务部"
    document.core_properties.title = "青溪市自来水公司供水服务规则"
    document.save(path)
    _fix_zip_times(path)


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip container with fixed member timestamps so the bytes are reproducible."""
    with zipfile.ZipFile(path) as src:
        members = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2025, 6, 20, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)


HTML = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>东湖水厂二期扩建工程正式通水 - 青溪市自来水公司</title>
</head>
<body>
<header class="site-header">
  <div class="logo">青溪市自来水公司</div>
  <nav class="menu">
    <ul>
      <li><a href="/">首页</a></li>
      <li><a href="/about">公司简介</a></li>
      <li><a href="/news">新闻中心</a></li>
      <li><a href="/service">网上营业厅</a></li>
      <li><a href="/water-quality">水质公告</a></li>
      <li><a href="/contact">联系我们</a></li>
    </ul>
  </nav>
</header>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/news">新闻中心</a> &gt; 公司新闻</div>
<main>
<article>
  <h1>东湖水厂二期扩建工程正式通水</h1>
  <p class="meta">发布时间：2025年9月18日　来源：青溪市自来水公司办公室</p>
  <p>2025年9月18日上午，青溪市自来水公司东湖水厂二期扩建工程正式通水运行。工程投运后，
  东湖水厂设计日供水能力由25万立方米提高到33万立方米，全市日供水能力达到51万立方米，
  可满足中心城区和东湖片区到2035年的用水需求。</p>
  <p>二期扩建工程于2023年11月开工，总投资4.6亿元，新建絮凝沉淀池、V型滤池和臭氧活性炭深度处理车间各一座，
  并配套建设一条长12.4公里、管径1.4米的出厂输水干管。工程采用全流程自动化控制，
  每立方米水的处理电耗比一期工程降低约8%。</p>
  <p>公司净水生产部负责人介绍，试运行期间出厂水浊度稳定在0.1 NTU以下，
  106项水质指标全部符合国家生活饮用水卫生标准。通水后，东湖片区约12万居民高峰时段水压偏低的问题将得到解决。</p>
  <p>下一步，公司将对西山水厂实施深度处理改造，计划于2026年上半年开工。</p>
</article>
</main>
<aside class="related">
  <h3>相关新闻</h3>
  <ul>
    <li><a href="/news/101">公司开展夏季供水高峰保障演练</a></li>
    <li><a href="/news/102">网上营业厅新增电子发票功能</a></li>
  </ul>
</aside>
<section class="comments">
  <h3>网友评论（3）</h3>
  <div class="comment"><span class="user">东湖居民老张</span>：终于不用半夜接水了，点赞！</div>
  <div class="comment"><span class="user">路过的小李</span>：希望西山那边也早点改造。</div>
  <div class="comment"><span class="user">匿名用户</span>：水费会不会因此上涨？</div>
  <form class="comment-form"><textarea>发表您的评论</textarea><button>提交</button></form>
</section>
<footer class="site-footer">
  <p>版权所有 © 2025 青溪市自来水公司　服务热线：966123</p>
  <p>地址：青溪市滨河路88号　备案号：青ICP备00000000号</p>
  <p><a href="/privacy">隐私政策</a> | <a href="/sitemap">网站地图</a></p>
</footer>
</body>
</html>
"""

GBK_TEXT = """青溪市自来水公司客户服务规范

一、服务热线
966123服务热线实行7×24小时服务，接通率不低于95%，来电应在铃响三声内接听。
话务员应使用普通话，首先报出工号，通话结束时请用户对本次服务进行评价。

二、营业厅服务
公司设中心营业厅和东湖、西山两个片区营业厅，营业时间为周一至周六8:30至17:30，
法定节假日另行公告。用户办理过户、开户和销户业务，资料齐全的应当场办结。

三、投诉处理
用户投诉应在3个工作日内答复，涉及水质的投诉应在4小时内派员上门取样检测，
检测结果在5个工作日内书面告知用户。全年投诉办结率应达到100%。

四、服务考核
客户服务部每季度开展一次满意度调查，每次抽样不少于1,500户。
2025年度满意度目标为95%，实际达到96.2%。
"""

FAQ_MD = """# Qingxi City Water Utility: Water Quality FAQ

*Prepared by the Water Quality Monitoring Centre, updated 15 January 2026.*

## Is tap water in Qingxi safe to drink?

Yes. In 2025 the utility tested 106 indicators every month at both treatment plants
and at 58 online monitoring points across the distribution network. A total of 8,940
samples were collected, and the overall compliance rate was 99.96%.

## Why does my water sometimes smell of chlorine?

Chlorine is added as a disinfectant. We keep residual chlorine at the tap between
0.3 and 0.5 mg/L. Letting a jug of water stand in the refrigerator for 30 minutes
removes most of the smell.

## How hard is the water?

Average total hardness in 2025 was 120 mg/L (as calcium carbonate), which counts as
moderately soft. The pH of treated water stays between 7.2 and 7.8.

## Why is my water cloudy or white?

Cloudy water that clears from the bottom up within two minutes is caused by tiny air
bubbles and is harmless. If the water is brown or stays cloudy, run the cold tap for
three minutes and call the service hotline 966123.

## Does the utility still have lead pipes?

The utility finished replacing 3,400 lead service connections in 2024. If your building
was built before 1985, the pipes inside the building belong to the owner; we offer one
free lead test per household each year.
"""


def main(out: Path = DOCS) -> list[Path]:
    """Write all quickstart documents into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "pdf": out / "annual_report_2025.pdf",
        "docx": out / "service_rules.docx",
        "html": out / "news_east_lake.html",
        "txt": out / "customer_service_gbk.txt",
        "md": out / "water_quality_faq.md",
    }
    make_pdf(paths["pdf"])
    make_docx(paths["docx"])
    paths["html"].write_text(HTML, encoding="utf-8")
    paths["txt"].write_bytes(GBK_TEXT.encode("gbk"))
    paths["md"].write_text(FAQ_MD, encoding="utf-8")
    return list(paths.values())


if __name__ == "__main__":
    for written in main(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS):
        sys.stdout.write(f"wrote {written}\n")
