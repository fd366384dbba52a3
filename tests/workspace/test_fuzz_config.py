"""Fuzzing the config loader (issue 19 b): random bytes, random YAML text and random YAML documents shaped
like ``corpusforge.yaml`` give a Config or one :class:`ConfigError` line naming the file, never another error."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpusforge.config import Config, ConfigError, load_config, render_default_config

SETTINGS = settings(
    max_examples=800,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DEFAULT = yaml.safe_load(render_default_config())
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
SECTIONS = sorted(DEFAULT)
TRIED: dict[str, int] = {}


def _keys(section: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for k, v in section.items():
        out.append(prefix + k)
        if isinstance(v, dict):
            out += _keys(v, prefix + k + ".")
    return out


KEYS = [f"{s}.{k}" for s in SECTIONS if isinstance(DEFAULT[s], dict) for k in _keys(DEFAULT[s])]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["auto", "openai", "llamacpp", "zh", "en", "1e999", "-0", "~", "[]", "{}", "null"]),
)
values = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    max_leaves=12,
)


def _check(path: Path, kind: str) -> None:
    TRIED[kind] = TRIED.get(kind, 0) + 1
    try:
        cfg = load_config(path)
    except ConfigError as e:
        msg = str(e)
        assert msg and "\n" not in msg, msg
        assert msg.startswith(f"{path}:"), msg
    else:
        assert isinstance(cfg, Config)


@SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes(tmp_path, data):
    p = tmp_path / "corpusforge.yaml"
    p.write_bytes(data)
    _check(p, "bytes")


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from(list(":-[]{}#&*!|>'\"%@` \n\t,?ab1.水")), max_size=200))
def test_random_yaml_text(tmp_path, text):
    p = tmp_path / "corpusforge.yaml"
    p.write_text(text, encoding="utf-8")
    _check(p, "yaml text")


@settings(SETTINGS, max_examples=200)
@given(edits=st.lists(st.tuples(st.sampled_from(KEYS), values), min_size=1, max_size=6))
def test_random_values_for_real_keys(tmp_path, edits):
    doc: dict[str, Any] = copy.deepcopy(DEFAULT)
    for key, value in edits:
        cur = doc
        *parents, last = key.split(".")
        for part in parents:
            if not isinstance(cur.get(part), dict):
                cur[part] = {}
            cur = cur[part]
        cur[last] = value
    p = tmp_path / "corpusforge.yaml"
    p.write_text(yaml.dump(doc, Dumper=DUMPER, allow_unicode=True), encoding="utf-8")
    _check(p, "documents")


@settings(SETTINGS, max_examples=400)
@given(
    text=st.text(max_size=300),
    cut=st.integers(min_value=0, max_value=4000),
    encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]),
)
def test_the_default_config_spliced_truncated_and_reencoded(tmp_path, text, cut, encoding):
    base = render_default_config()
    spliced = base[:cut] + text + base[cut:]
    p = tmp_path / "corpusforge.yaml"
    p.write_bytes(spliced.encode(encoding, errors="replace"))
    _check(p, "spliced")


#: pieces of YAML that reach the corners of the loader: anchors, aliases, merge keys, tags, flow style
PIECES = [
    "&a ", "*a", "<<: *a", "!!str ", "!!int ", "!!binary ", "!!python/object:os.system ", "!!set ", "!!omap ",
    "? ", "{", "}", "[", "]", ", ", ": ", "- ", "|\n", ">-\n", "'", '"', "\\x", "#", "---\n", "...\n", "%YAML 1.1\n",
    "\n", "\n  ", "\n    ", "\t", "2001-12-14", "0x1F", "1e400", ".nan", "-.inf", "0o17", "~", "yes", "on", "水务",
    "\ufeff", "\x85", "\u2028", "\x00",
]  # fmt: skip


@SETTINGS
@given(
    parts=st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(KEYS + SECTIONS)), max_size=40),
    bom=st.booleans(),
)
def test_yaml_built_from_keys_and_syntax_pieces(tmp_path, parts, bom):
    p = tmp_path / "corpusforge.yaml"
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "".join(parts).encode("utf-8", errors="replace"))
    _check(p, "pieces")


def test_counts_were_tried():
    """Runs last in this file: every strategy above ran its examples (numbers go to the closing note)."""
    assert all(TRIED.get(k, 0) >= 100 for k in ("bytes", "yaml text", "documents", "spliced", "pieces")), (
        TRIED
    )
    print("config fuzz examples:", TRIED)


def test_unknown_key_with_a_newline_is_named_on_one_line(tmp_path: Path) -> None:
    """Found by the fuzz test above: a complex YAML key holding a newline gave a two-line error."""
    path = tmp_path / "corpusforge.yaml"
    path.write_text("? ---\n\n  &a \n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    msg = str(err.value)
    assert "\n" not in msg and msg.endswith("unknown key"), msg
