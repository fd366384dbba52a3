"""Base class for every section of ``corpusforge.yaml``: unknown keys are errors, fields carry help text."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section. Subclasses declare fields with ``Field(default, description=...)``."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def first_error(e: Any) -> str:
    """``key.path: problem`` of a pydantic ValidationError's first error (unknown keys named as such)."""
    err = e.errors()[0]
    key = ".".join(_one_line(str(p)) for p in err["loc"])
    msg = "unknown key" if err["type"] == "extra_forbidden" else _one_line(str(err["msg"]))
    return f"{key}: {msg}"


def _one_line(text: str) -> str:
    """``text`` as it is when printable, else its repr (a YAML key may hold a newline)."""
    return text if text.isprintable() else repr(text)
