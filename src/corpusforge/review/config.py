"""``review`` section of corpusforge.yaml."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class ReviewConfig(Section):
    """The local review web app."""

    host: str = Field("127.0.0.1", description="Address to bind; anything but loopback requires a token.")
    port: int = Field(8765, description="Port to bind.")
