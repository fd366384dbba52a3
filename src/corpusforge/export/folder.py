"""The export folder: which folder an export may replace, its dataset_info.json and its manifest.

An export is built in a temporary sibling of the export folder and swapped in whole when every format
and, last, ``manifest.json`` are written (``corpusforge.io.atomic_dir``), so a killed export leaves the
previous one as it was and every file in the folder comes from one run (one split). Hence the folder
holds exactly the formats of the last export. A folder is replaced only when it is missing, empty, or a
previous export (it has ``manifest.json`` and nothing at its top level that the manifest does not name);
anything else is refused with one line, so unrelated files are never deleted. Files a user adds inside
a format folder (``messages/``, ``hf/`` ...) go with it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from corpusforge.io import atomic_open

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
DATASET_INFO = "dataset_info.json"


class ExportTargetError(ValueError):
    """The export folder holds something an export must not replace (one line naming it)."""


def _is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def previous_export(out: Path) -> dict[str, Any]:
    """The manifest of the export in ``out`` ({} when ``out`` is missing or empty).

    Raises:
        ExportTargetError: ``out`` is a file, or a folder that is not a previous export.
    """
    if not out.exists():
        return {}
    if not out.is_dir():
        raise ExportTargetError(f"{out}: not a folder; choose another --out")
    names = {p.name for p in out.iterdir() if not _is_temp(p.name)}  # old-style stale temporaries
    if not names:
        return {}
    hint = "move them or choose another --out (an export replaces the whole folder)"
    if MANIFEST not in names:
        shown = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
        raise ExportTargetError(f"{out}: not empty and not a corpusforge export (holds {shown}); {hint}")
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = dict(manifest.get("files", {}))
    except (ValueError, AttributeError, TypeError) as e:
        raise ExportTargetError(
            f"{out / MANIFEST}: not a corpusforge export manifest ({e}); {hint}"
        ) from None
    foreign = sorted(names - {MANIFEST, DATASET_INFO} - {rel.split("/")[0] for rel in files})
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise ExportTargetError(f"{out}: holds files that are not from corpusforge export ({shown}); {hint}")
    return manifest


def foreign_entries(out: Path, previous: dict[str, Any]) -> dict[str, Any]:
    """Entries of the previous dataset_info.json that name no file of the previous export (a user's own,
    e.g. a dataset elsewhere or on the Hub): kept in the new one. Entries of the export itself are not."""
    path = out / DATASET_INFO
    if not previous or not path.is_file():
        return {}
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        log.warning("%s: not valid JSON (%s); rewriting it", path, e)
        return {}
    if not isinstance(current, dict):
        return {}
    ours = {rel.split("/")[0] for rel in previous.get("files", {})}
    return {
        name: entry
        for name, entry in current.items()
        if not (isinstance(entry, dict) and str(entry.get("file_name", "")).split("/")[0] in ours)
    }


def write_json(path: Path, data: dict[str, Any], sort_keys: bool = False) -> None:
    """Write ``data`` as indented UTF-8 JSON (atomically)."""
    with atomic_open(path) as f:
        f.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n")
