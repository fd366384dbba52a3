"""Evidence choices: the passage's own sentences, the only values a reply's ``evidence`` may take.

With ``generate.evidence_choices`` on, the qa task's reply schema gives ``evidence`` as an ``enum`` of
the chunk's sentences. Backends that enforce the schema (llama.cpp's JSON-schema grammar in-process or
in its server, vLLM's guided decoding) can then only write a sentence of the passage, verbatim; the
model still chooses which one. The list is bounded so the grammar stays small on long chunks: at most
``generate.evidence_max_sentences`` sentences (evenly spread over the chunk when it has more), each cut
at ``generate.max_field_chars`` characters (300 when that is 0) on a word boundary, which keeps it a
verbatim part of the passage.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corpusforge.corpus.sentences import split_sentences

if TYPE_CHECKING:
    from corpusforge.generate.config import GenerateConfig
    from corpusforge.llm.config import LLMConfig

MAX_SENTENCE_CHARS = 300  # when generate.max_field_chars is 0
MIN_SENTENCE_CHARS = 8  # shorter pieces ("1.", "Fig. 2") support no answer
_WORD = re.compile(r"\w")


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
            if len(s) >= MIN_SENTENCE_CHARS and _WORD.search(s) and s not in seen:
                seen.add(s)
                out.append(s)
    if len(out) > max_sentences > 0:
        out = [out[i * len(out) // max_sentences] for i in range(max_sentences)]
    return out


def choices_on(cfg: GenerateConfig, llm: LLMConfig) -> bool:
    """Whether replies get the sentence ``enum`` (``auto``: the llamacpp backend, or a server sent a schema)."""
    if cfg.evidence_choices != "auto":
        return cfg.evidence_choices == "on"
    if llm.backend == "llamacpp":
        return True
    return llm.backend == "openai" and llm.openai.response_format != "none"


def choices_for(cfg: GenerateConfig, text: str) -> list[str]:
    """The evidence choices of a passage under ``cfg``'s bounds."""
    return sentence_choices(text, cfg.evidence_max_sentences, cfg.max_field_chars or MAX_SENTENCE_CHARS)
