"""``qa``: question/answer pairs about a passage; the answers use only the passage's facts.

A document is asked in rounds (:class:`~corpusforge.generate.jobs.QAJob`) until the gate has passed
``generate.qa_min`` of its pairs or ``generate.qa_rounds`` are done. Each pair may carry an ``evidence``
quote copied from the passage (with ``generate.evidence_choices`` on, one of the chunk's sentences: the
reply schema allows no other); the item is kept in the sample's metadata (``metadata["qa"]``) so the
quality gate can find the quote in the chunk (``Sample.evidence``) or drop the pair (``evidence_not_found``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.tasks.base import Task, string, text

if TYPE_CHECKING:
    from corpusforge.generate.context import RunContext
    from corpusforge.generate.units import Unit
    from corpusforge.records import Chunk, Document


# (question, answer) patterns of an assigned English pair: one question; an answer of one sentence (a
# period inside a number such as 0.3 or 99.96% does not end it). No quote or backslash (they would end or
# escape the JSON string); [.] since llama-cpp-python turns \\. into an invalid GBNF escape; unbounded, as
# its grammar parser overflows on a deeply nested {1,158} (the token budget bounds them). Chinese keeps
# the maxLength strings: the 135M model loops in Chinese, and a bounded field stops the loop sooner.
ONE_SENTENCE = {
    "en": (r'^[A-Z][^?.!\n"\\]+[?]$', r'^[A-Z0-9]([^.!?\n"\\]|[.][0-9])+[.!]$'),
}


class PairTask(Task):
    """A question and its answer: what ``qa`` and ``rag`` items have in common."""

    question_key = "question"

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """Both question and answer must be non-empty text."""
        if not isinstance(item, dict):
            return None
        q, a = text(item.get("question")), text(item.get("answer"))
        return {"question": q, "answer": a} if q and a else None

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """The question is the instruction, the answer the output."""
        return prompt.fill("instruction", **item), prompt.fill("output", **item)


class QATask(PairTask):
    """N pairs per document, spread over its chunks (one request per chunk gives all its pairs)."""

    name = "qa"
    list_key = "pairs"
    has_question = True
    candidates = True
    quotes = True
    item_in_metadata = True

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """Question and answer must be non-empty; ``evidence`` (the supporting quote) is optional."""
        pair = super().valid(item, cfg)
        if pair is not None:
            quote = text(item.get("evidence"))
            if quote:
                pair["evidence"] = quote
        return pair

    def scope(self, cfg: GenerateConfig) -> str:
        """``document``: the pairs of a document are asked for together, in rounds."""
        return "document"

    def jobs(self, ctx: RunContext, doc: Document, chunks: list[Chunk]) -> Iterator[Any]:
        """The document's first Q&A round; its commit asks again while the document is below ``qa_min``."""
        from corpusforge.generate.jobs import qa_rounds

        return qa_rounds(self, ctx, doc, chunks)

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """``{"pairs": [{"evidence", "question", "answer"}, ...]}`` with at most ``n`` pairs.

        The evidence comes first, so a model writing in order picks a fact of the passage, asks about
        it and answers from it: small models then ask questions the passage answers.
        """
        return self._schema(cfg, n, string(cfg))

    def request_schema(
        self, cfg: GenerateConfig, n: int, unit: Unit, choices: str, used: Collection[str] = ()
    ) -> dict[str, Any]:
        """With evidence choices on, ``evidence`` is an ``enum`` of the chunk's sentences less those
        earlier pairs of the document quoted (``used``; :mod:`corpusforge.generate.evidence`); with
        ``assign``, the pairs are a tuple (``prefixItems``) and pair i's evidence is fixed to the i-th
        assigned sentence. A chunk without a usable sentence keeps the free string."""
        from corpusforge.generate.evidence import assigned, choices_for

        picks = assigned(cfg, unit.text, used, n) if choices == "assign" else []
        if picks:
            pairs = [self._pair(cfg, {"type": "string", "enum": [p]}, unit.lang) for p in picks]
            return self._wrap({"type": "array", "prefixItems": pairs, "minItems": len(pairs)})
        sentences = choices_for(cfg, unit.text, used) if choices != "off" else []
        return self._schema(cfg, n, {"type": "string", "enum": sentences} if sentences else string(cfg))

    @classmethod
    def _schema(cls, cfg: GenerateConfig, n: int, evidence: dict[str, Any]) -> dict[str, Any]:
        return cls._wrap({"type": "array", "items": cls._pair(cfg, evidence), "maxItems": n})

    @staticmethod
    def _pair(cfg: GenerateConfig, evidence: dict[str, Any], lang: str = "") -> dict[str, Any]:
        """One pair; given a language (``assign``), the question is one question and the answer one
        sentence (``ONE_SENTENCE``), so a small model cannot ramble past its evidence."""
        shape = ONE_SENTENCE.get(lang)
        q, a = ({"type": "string", "pattern": p} for p in shape) if shape else (string(cfg), string(cfg))
        return {
            "type": "object",
            "properties": {"evidence": evidence, "question": q, "answer": a},
            "required": ["evidence", "question", "answer"],
        }

    @staticmethod
    def _wrap(pairs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "properties": {"pairs": pairs}, "required": ["pairs"]}


TASK = QATask()
