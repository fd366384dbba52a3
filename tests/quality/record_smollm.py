"""Record real replies of the embedded model (SmolLM2-135M-Instruct GGUF) for the quality-gate tests.

Run once (about two minutes on two cores); it rewrites ``tests/quality/data/smollm_replies.jsonl``::

    python tests/quality/record_smollm.py

For passages of the quickstart documents (examples/quickstart/docs) it asks the model, in-process
through llama-cpp-python with the generate stage's prompt texts (common/qa/answer .{zh,en}.yaml, read
here as they were when recording), for question-answer pairs as schema-constrained JSON, and for plain
answers to a few questions; then four more sampled rounds of pairs for the English passages (as
``generate`` asks again to reach ``qa_min``). Each line holds what the model really wrote: passage, question, answer,
finish_reason, the mode (``qa_json`` or ``answer``), temperature and seed. Nothing is edited by hand.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "examples" / "quickstart" / "docs"
PROMPTS = ROOT / "src" / "corpusforge" / "generate" / "prompts"
OUT = Path(__file__).parent / "data" / "smollm_replies.jsonl"
SCHEMA = {
    "type": "object",
    "properties": {
        "pairs": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
                "required": ["question", "answer"],
            },
        }
    },
    "required": ["pairs"],
}
QUESTIONS = {
    "en": [
        "How hard is the water in Qingxi?",
        "How many lead service connections were replaced?",
        "What is the service hotline number?",
    ],
    "zh": ["东湖水厂二期扩建工程总投资多少？", "水质投诉应在多长时间内派员上门？", "公司服务人口约多少？"],
}


def _clean(text: str) -> str:
    text = re.sub(r"(?<=[^\sA-Za-z])\n(?=[^\sA-Za-z])", "", text)  # PDF line breaks inside Chinese
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def passages() -> list[tuple[str, str, str]]:
    """(source, lang, text) passages of the quickstart documents, about 300-700 characters each."""
    import docx
    import pymupdf
    import trafilatura

    texts = {
        "water_quality_faq.md": (DOCS / "water_quality_faq.md").read_text(encoding="utf-8"),
        "customer_service_gbk.txt": (DOCS / "customer_service_gbk.txt").read_bytes().decode("gbk"),
        "service_rules.docx": "\n".join(
            p.text for p in docx.Document(str(DOCS / "service_rules.docx")).paragraphs
        ),
        "news_east_lake.html": trafilatura.extract((DOCS / "news_east_lake.html").read_text(encoding="utf-8"))
        or "",
        "annual_report_2025.pdf": "\n".join(
            p.get_text() for p in pymupdf.open(str(DOCS / "annual_report_2025.pdf"))
        ),
    }
    out = []
    for src, text in texts.items():
        lang = "en" if src.endswith(".md") else "zh"
        buf = ""
        for para in re.split(
            r"\n\s*\n|\n(?=#)|\n(?=[一二三四五六七八九十]、)|\n(?=第.{1,3}条)", _clean(text)
        ):
            buf = f"{buf}\n{para}".strip()
            if len(buf) >= (500 if lang == "en" else 250):
                out.append((src, lang, buf))
                buf = ""
        if len(buf) > 80:
            out.append((src, lang, buf))
    return out


def _qa_json(
    llm, p: dict, system: dict, head: str, src: str, lang: str, text: str, temp: float, seed: int
) -> list[dict]:
    """One schema-constrained request for three question-answer pairs; one row per pair."""
    user = head + p["common"]["separator"] + p["qa"]["request"].replace("{n}", "3")
    r = llm.create_chat_completion(
        [system, {"role": "user", "content": user}],
        temperature=temp,
        seed=seed,
        max_tokens=400,
        response_format={"type": "json_object", "schema": SCHEMA},
    )
    ch = r["choices"][0]
    raw = ch["message"]["content"] or ""
    try:
        pairs = json.loads(raw).get("pairs", [])
    except ValueError:
        pairs = []
    base = {
        "mode": "qa_json",
        "source": src,
        "lang": lang,
        "context": text,
        "raw": raw,
        "finish_reason": ch["finish_reason"],
        "temperature": temp,
        "seed": seed,
    }
    if not pairs:
        return [{**base, "question": "", "answer": ""}]
    return [
        {**base, "question": str(x.get("question", "")), "answer": str(x.get("answer", ""))} for x in pairs
    ]


def extra_rounds(llm, prompts: dict, rounds: int = 4) -> list[dict]:
    """More sampled rounds for the English passages, as generate asks again to reach qa_min."""
    rows = []
    for k, (src, lang, text) in enumerate(passages()):
        if lang != "en":
            continue
        p = prompts[lang]
        head = p["common"]["passage"].format(source=src, pages=1, text=text)
        system = {"role": "system", "content": p["common"]["system"]}
        for r in range(rounds):
            rows += _qa_json(llm, p, system, head, src, lang, text, 0.8, 100 + 10 * k + r)
    return rows


def _prompts() -> dict:
    return {
        lang: {
            name: yaml.safe_load((PROMPTS / f"{name}.{lang}.yaml").read_text(encoding="utf-8"))
            for name in ("common", "qa", "answer")
        }
        for lang in ("en", "zh")
    }


def main() -> None:
    llm, prompts = _load(), _prompts()
    rows: list[dict] = []
    OUT.write_text("", encoding="utf-8")
    for k, (src, lang, text) in enumerate(passages()):
        start = len(rows)
        p = prompts[lang]
        head = p["common"]["passage"].format(source=src, pages=1, text=text)
        system = {"role": "system", "content": p["common"]["system"]}
        for temp, seed in ((0.0, 0), (0.8, k + 1)):
            rows += _qa_json(llm, p, system, head, src, lang, text, temp, seed)
        for q in QUESTIONS[lang] if k % 2 == 0 else []:
            user = head + p["common"]["separator"] + p["answer"]["request"].format(question=q)
            r = llm.create_chat_completion(
                [system, {"role": "user", "content": user}], temperature=0.0, seed=0, max_tokens=200
            )
            ch = r["choices"][0]
            rows.append(
                {
                    "mode": "answer",
                    "source": src,
                    "lang": lang,
                    "context": text,
                    "question": q,
                    "answer": ch["message"]["content"] or "",
                    "raw": ch["message"]["content"] or "",
                    "finish_reason": ch["finish_reason"],
                    "temperature": 0.0,
                    "seed": 0,
                }
            )
        with OUT.open("a", encoding="utf-8") as f:  # written passage by passage, so a stopped run keeps them
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[start:])
        print(f"{src}: {len(rows)} rows so far", file=sys.stderr)
    _append_extra(llm, prompts, rows)
    print(f"wrote {len(rows)} replies to {OUT}", file=sys.stderr)


def _append_extra(llm, prompts: dict, rows: list[dict]) -> None:
    extra = extra_rounds(llm, prompts)
    with OUT.open("a", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in extra)
    rows += extra


def _load(threads: int = 1):  # noqa: ANN202
    """The embedded model in this process (one thread: steady speed on a busy machine)."""
    from llama_cpp import Llama

    from corpusforge.models import embedded_gguf_path

    return Llama(model_path=str(embedded_gguf_path()), n_ctx=2048, n_threads=threads, verbose=False, seed=0)


if __name__ == "__main__":
    if sys.argv[1:] == ["--extra-only"]:  # append only the extra rounds to an existing recording
        _append_extra(_load(), _prompts(), [])
    else:
        main()
