"""Evidence choices: the passage's own sentences, the only values a reply's ``evidence`` may take.

With ``generate.evidence_choices`` on, the qa task's reply schema gives ``evidence`` as an ``enum`` of
the chunk's sentences. Backends that enforce the schema (llama.cpp's JSON-schema grammar in-process or
in its server, vLLM's guided decoding) can then only write a sentence of the passage, verbatim; the
model still chooses which one. The list is bounded so the grammar stays small on long chunks: at most
``generate.evidence_max_sentences`` sentences (evenly spread over the chunk when it has more), each cut
at ``generate.max_field_chars`` characters (300 when that is 0) on a word boundary, which keeps it a
verbatim part of the passage. A sentence that is itself a question (ending in ``?`` or ``？``, e.g. an
FAQ heading) supports no answer and is not offered. Later Q&A rounds of a document leave out the
sentences its earlier pairs quoted (``used``), so asking again gets pairs about other facts.

With ``assign`` (the default for the embedded model) the model does not choose: each pair of a request
is given its own sentence not quoted before (a JSON-schema ``prefixItems`` tuple whose evidence values
are fixed), and writes the question that sentence answers and the answer. A 135M model, left to choose,
quotes the same sentence for most pairs and then asks about something else.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Literal

from corpusforge.corpus.sentences import split_sentences

if TYPE_CHECKING:
    from corpusforge.generate.config import GenerateConfig
    from corpusforge.llm.config import LLMConfig

MAX_SENTENCE_CHARS = 300  # when generate.max_field_chars is 0
MIN_SENTENCE_CHARS = 8  # shorter pieces ("1.", "Fig. 2") support no answer
_WORD = re.compile(r"\w")
_QUESTION_END = ("?", "？")
_CLOSERS = re.compile(r"[*_\"')”’]+$")  # markup and quotes after a sentence's end
_SENTENCE_END = (".", "。", "!", "！", ";", "；")
EvidenceMode = Literal["off", "on", "assign"]


def _cut(sentence: str, max_chars: int) -> str:
    """The sentence, or its start of at most ``max_chars`` characters ending at a word boundary."""
    if len(sentence) <= max_chars:
        return sentence
    head = sentence[:max_chars]
    space = head.rfind(" ")
    return (head[:space] if space > max_chars // 2 else head).rstrip()


def sentence_choices(text: str, max_sentences: int, max_chars: int = MAX_SENTENCE_CHARS) -> list[str]:
    """The distinct sentences of ``text`` (each line split on its own), bounded as the module says.

    Args:
        text: the passage.
        max_sentences: the most sentences returned (evenly spaced over the passage when it has more).
        max_chars: longer sentences are cut to their start.
    """
    out: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        for start, end in split_sentences(line):
            s = _cut(line[start:end].strip(), max_chars)
            usable = len(s) >= MIN_SENTENCE_CHARS and _WORD.search(s) and not s.endswith(_QUESTION_END)
            if usable and s not in seen:
                seen.add(s)
                out.append(s)
    if len(out) > max_sentences > 0:
        out = [out[i * len(out) // max_sentences] for i in range(max_sentences)]
    return out


def evidence_mode(cfg: GenerateConfig, llm: LLMConfig) -> EvidenceMode:
    """``off``, ``on`` (the model picks each pair's sentence from the enum) or ``assign`` (each pair is
    given its sentence); ``auto`` is ``assign`` for the llamacpp backend (the small embedded model),
    ``on`` for a server sent a schema, else ``off``."""
    if cfg.evidence_choices != "auto":
        return cfg.evidence_choices
    if llm.backend == "llamacpp":
        return "assign"
    return "on" if llm.backend == "openai" and llm.openai.response_format != "none" else "off"


def assigned(cfg: GenerateConfig, text: str, used: Collection[str], n: int) -> list[str]:
    """The sentences the next ``n`` pairs about a passage are given as evidence, one each: those not
    ``used`` yet, complete sentences (ending in . 。 ! ; …) before the rest (titles, list items), each
    group in passage order. Empty when every sentence is used (the request then offers them all)."""
    _, fresh = _choices(cfg, text, used)
    fresh.sort(key=lambda s: not _CLOSERS.sub("", s).endswith(_SENTENCE_END))
    return fresh[:n]


def choices_for(cfg: GenerateConfig, text: str, used: Collection[str] = ()) -> list[str]:
    """The evidence choices of a passage under ``cfg``'s bounds, less the ``used`` ones (all of them
    when every choice is used: a chunk quoted out is asked about again rather than left unquoted)."""
    every, fresh = _choices(cfg, text, used)
    return fresh or every


def _choices(cfg: GenerateConfig, text: str, used: Collection[str]) -> tuple[list[str], list[str]]:
    """(every choice of the passage under ``cfg``'s bounds, those not ``used``)."""
    every = sentence_choices(text, cfg.evidence_max_sentences, cfg.max_field_chars or MAX_SENTENCE_CHARS)
    return every, [s for s in every if s not in used]
