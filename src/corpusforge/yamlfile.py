"""Read a user's YAML file strictly: duplicate keys are errors, errors name ``file:line:col``, and a file
saved as GBK/GB18030 (common for Chinese users) is read with a warning instead of failing."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)


class YAMLFileError(ValueError):
    """A YAML file cannot be read; the message is one line naming the file (and line) and the reason."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys.

    Pure Python on purpose: libyaml's ``CSafeLoader`` is ~12x faster but crashes the interpreter
    (segmentation fault) on ~100,000 nested brackets, where this one raises ``RecursionError``.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """PyYAML's constructor, with a value it cannot build (e.g. an empty ``!!int``) a located error."""
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, RecursionError, MemoryError):
            raise
        except Exception as e:
            tag = node.tag.rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this {tag} value ({type(e).__name__}: {e})", node.start_mark
            ) from None


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in out:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 (BOM allowed), else GB18030 with a warning, else a one-line error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        utf8_error = e
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise YAMLFileError(f"{path}: not UTF-8 text (byte {utf8_error.start}); save it as UTF-8") from None
    log.warning("%s: read as GBK/GB18030 (not UTF-8); saving it as UTF-8 is safer", path)
    return text


def _where(e: yaml.YAMLError, path: Path, text: str = "") -> str:
    if isinstance(e, yaml.reader.ReaderError):  # a character YAML refuses: give its line and column too
        code = ord(e.character) if isinstance(e.character, str) else int(e.character)
        before = text[: e.position]
        at = f":{before.count(chr(10)) + 1}:{e.position - before.rfind(chr(10))}" if text else ""
        return f"{path}{at}: not valid YAML: character {code:#06x} is not allowed in YAML text"
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    problem = getattr(e, "problem", None) or str(e)
    context = getattr(e, "context", None)
    reason = (
        " ".join(f"{context or ''} {problem}".split())
        if context and problem
        else " ".join(str(problem).split())
    )
    at = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
    return f"{path}{at}: not valid YAML: {reason}"


def load_yaml_file(path: str | Path) -> Any:
    """Parse ``path``; raises :class:`YAMLFileError` (one line) on unreadable files, bad YAML, duplicate keys."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise YAMLFileError(f"{path}: cannot read ({e.strerror or e})") from None
    return load_yaml_text(decode(raw, path), path)


def load_yaml_text(text: str, path: str | Path = "<text>") -> Any:
    """Parse YAML text strictly (see :func:`load_yaml_file`)."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        raise YAMLFileError(_where(e, Path(path), text)) from None
    except RecursionError:
        raise YAMLFileError(f"{path}: not usable YAML (nested too deeply)") from None
    except MemoryError:
        raise YAMLFileError(f"{path}: not usable YAML (too large to read)") from None
    except Exception as e:  # a constructor run outside construct_object (sets, ordered maps): no line
        reason = " ".join(str(e).split())[:120]
        raise YAMLFileError(
            f"{path}: not valid YAML: a value cannot be read ({type(e).__name__}: {reason})"
        ) from None
