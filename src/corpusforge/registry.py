"""The one registry style: a name maps to ``"package.module:attribute"``, imported on first use.

Every pluggable kind (readers, generation tasks, LLM backends, export formats, CLI stages) is a
:class:`Registry`. Adding one is one new module plus one line in its stage's registry; entries are
strings so that ``corpusforge --help`` imports none of the heavy modules behind them.

Usage::

    FORMATS: Registry[Format] = Registry("export format", {
        "messages": "corpusforge.export.formats.messages:FORMAT",
    })
    FORMATS.get("messages")        # imports the module, returns its FORMAT
    FORMATS.get("nope")            # UnknownName: unknown export format 'nope' (known: messages)
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Generic, TypeVar, cast

T = TypeVar("T")


class UnknownName(ValueError):
    """A name that is not registered (one line listing the known ones)."""


class Registry(Generic[T]):
    """Names -> ``"module:attribute"`` targets, resolved lazily and cached.

    Args:
        kind: what the entries are, for error messages (``"export format"``).
        entries: name -> ``"package.module:attribute"``.
    """

    def __init__(self, kind: str, entries: dict[str, str]):
        self.kind = kind
        self._targets: dict[str, str] = {}
        self._loaded: dict[str, T] = {}
        for name, target in entries.items():
            self.register(name, target)

    def register(self, name: str, target: str) -> None:
        """Add (or replace) one entry; ``target`` is ``"package.module:attribute"``."""
        module, sep, attr = target.partition(":")
        if not sep or not module or not attr:
            raise ValueError(f"{self.kind} {name!r}: target {target!r} is not 'package.module:attribute'")
        self._targets[name] = target
        self._loaded.pop(name, None)

    def unregister(self, name: str) -> None:
        """Remove one entry (no error when absent)."""
        self._targets.pop(name, None)
        self._loaded.pop(name, None)

    def get(self, name: str) -> T:
        """The object registered under ``name``, importing its module on first use.

        Raises:
            UnknownName: ``name`` is not registered.
        """
        if name in self._loaded:
            return self._loaded[name]
        try:
            target = self._targets[name]
        except KeyError:
            raise UnknownName(f"unknown {self.kind} {name!r} (known: {', '.join(self._targets)})") from None
        module, _, attr = target.partition(":")
        obj = cast(T, getattr(importlib.import_module(module), attr))
        self._loaded[name] = obj
        return obj

    def target(self, name: str) -> str:
        """The ``"module:attribute"`` string of an entry (nothing is imported)."""
        return self._targets[name]

    def names(self) -> list[str]:
        """Registered names, in registration order (nothing is imported)."""
        return list(self._targets)

    def items(self) -> list[tuple[str, T]]:
        """(name, object) for every entry (imports them all)."""
        return [(n, self.get(n)) for n in self._targets]

    def __contains__(self, name: object) -> bool:
        return name in self._targets

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._targets))

    def __len__(self) -> int:
        return len(self._targets)

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {self._targets!r})"
