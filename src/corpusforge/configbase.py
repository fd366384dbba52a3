"""Base class for every section of ``corpusforge.yaml``: unknown keys are errors, fields carry help text."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section. Subclasses declare fields with ``Field(default, description=...)``."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
