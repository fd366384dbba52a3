"""``review`` section of corpusforge.yaml."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class ReviewConfig(Section):
    """The local review web app (``corpusforge review``)."""

    host: str = Field("127.0.0.1", description="Address to bind; anything but loopback requires a token.")
    port: int = Field(8765, ge=1, le=65535, description="Port to bind.")
    reviewer: str = Field("", description="Name written into the review history (default: the login name).")
    page_size: int = Field(50, ge=5, le=500, description="Samples per page in the list view.")
    bulk_min_score: float = Field(
        0.8, ge=0.0, le=1.0, description="Default grounding threshold offered for bulk-accept."
    )
    highlight_ngram: int = Field(
        3,
        ge=1,
        le=8,
        description="Words (or CJK characters + 1) an answer must share in a row with"
        " the passage for that span to be highlighted.",
    )
