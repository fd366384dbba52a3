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
    key = ".".join(str(p) for p in err["loc"])
    return f"{key}: {'unknown key' if err['type'] == 'extra_forbidden' else err['msg']}"
