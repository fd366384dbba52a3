"""Path patterns: tags by glob (``ingest.tags`` in corpusforge.yaml), include/exclude globs."""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import PurePosixPath
from typing import Any


def tags_for(rel_path: str, patterns: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Merge the tags of every pattern that matches ``rel_path`` (later patterns win on conflicts).

    A pattern matches the path relative to the ingested folder (``reports/*.pdf``, ``**/*.docx``) or,
    when it has no ``/``, the file name alone (``*.pdf``).
    """
    tags: dict[str, Any] = {}
    for pattern, values in patterns.items():
        if path_matches(rel_path, pattern):
            tags.update(values)
    return tags


def path_matches(rel_path: str, pattern: str) -> bool:
    """Glob match of a relative path; ``**/`` also matches at the top, a pattern without ``/`` the name."""
    posix = PurePosixPath(rel_path).as_posix()
    if "/" not in pattern:
        return fnmatch(PurePosixPath(posix).name, pattern)
    return fnmatch(posix, pattern) or (pattern.startswith("**/") and fnmatch(posix, pattern[3:]))
