"""The ``llm`` section: common keys plus one options sub-section per backend; the old flat keys still load."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from corpusforge.config import ConfigError, load_config, parse_config
from corpusforge.llm import LLMConfig, get_backend


def _write(tmp_path, text: str):
    path = tmp_path / "corpusforge.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_old_flat_keys_load_into_their_sub_sections(tmp_path):
    path = _write(
        tmp_path,
        "llm:\n  backend: openai\n  model: m\n  base_url: ['http://127.0.0.1:9/v1']\n"
        "  api_key_env: MY_KEY\n  response_format: json_object\n  n_ctx: 2048\n  n_threads: 3\n",
    )
    llm = load_config(path).llm
    assert [e.url for e in llm.openai.base_url] == ["http://127.0.0.1:9/v1"]
    assert (llm.openai.api_key_env, llm.openai.response_format) == ("MY_KEY", "json_object")
    assert (llm.llamacpp.n_ctx, llm.llamacpp.n_threads) == (2048, 3)
    new = _write(
        tmp_path,
        "llm:\n  backend: openai\n  model: m\n  openai:\n    base_url: ['http://127.0.0.1:9/v1']\n"
        "    api_key_env: MY_KEY\n    response_format: json_object\n"
        "  llamacpp: {n_ctx: 2048, n_threads: 3}\n",
    )
    assert load_config(new).llm == llm  # the two layouts are the same config
    # a flat key beside other keys of its sub-section merges into it
    mixed = parse_config({"llm": {"base_url": ["http://a/v1"], "openai": {"api_key_env": "K"}}}).llm
    assert (mixed.openai.base_url[0].url, mixed.openai.api_key_env) == ("http://a/v1", "K")


def test_flat_keys_in_python_and_backends_read_their_options():
    cfg = LLMConfig(backend="openai", base_url=["http://127.0.0.1:9/v1/"], response_format="none", n_ctx=1024)
    assert cfg.openai.base_url[0].url == "http://127.0.0.1:9/v1/" and cfg.llamacpp.n_ctx == 1024
    backend = get_backend(cfg)
    assert backend.urls == ["http://127.0.0.1:9/v1"] and backend.mode == "none"
    assert get_backend(LLMConfig(n_threads=2)).n_threads == 2


@pytest.mark.parametrize(
    "flat, section",
    [
        ("base_url", "openai"),
        ("api_key_env", "openai"),
        ("response_format", "openai"),
        ("n_ctx", "llamacpp"),
        ("n_threads", "llamacpp"),
    ],
)
def test_a_flat_key_given_twice_is_one_line_naming_the_new_key(flat, section):
    value = {
        "base_url": ["http://a/v1"],
        "api_key_env": "K",
        "response_format": "none",
        "n_ctx": 1024,
        "n_threads": 1,
    }[flat]
    with pytest.raises(ConfigError) as e:
        parse_config({"llm": {flat: value, section: {flat: value}}})
    msg = str(e.value)
    assert "\n" not in msg and f"llm.{section}.{flat}" in msg and f"llm.{flat}" in msg, msg


@pytest.mark.parametrize("section", ["openai", "llamacpp"])
def test_unknown_key_in_a_sub_section_is_an_error(section):
    with pytest.raises(ConfigError, match=rf"^corpusforge.yaml: llm\.{section}\.nope: unknown key$"):
        parse_config({"llm": {section: {"nope": 1}}})
    with pytest.raises(ConfigError, match=r"llm\.llamacpp\.n_ctx: Input should be greater"):
        parse_config({"llm": {"n_ctx": 16}})  # a flat key is validated by its sub-section's model


def test_unknown_backend_is_one_line_listing_the_known_ones():
    with pytest.raises(ConfigError) as e:
        parse_config({"llm": {"backend": "nope"}})
    assert str(e.value) == "corpusforge.yaml: llm.backend: unknown backend 'nope' (known: llamacpp, openai)"


def test_init_writes_the_sub_sections(tmp_path):
    from corpusforge.cli.app import app

    res = CliRunner().invoke(app, ["init", str(tmp_path / "ws")])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "ws" / "corpusforge.yaml").read_text(encoding="utf-8")
    llm = yaml.safe_load(text)["llm"]
    assert llm["openai"] == {
        "base_url": [],
        "api_key_env": "OPENAI_API_KEY",
        "response_format": "auto",
        "eject_after": 3,
        "probe_after": 10.0,
    }
    assert llm["llamacpp"] == {"n_ctx": 4096, "n_threads": 0}
    assert not set(llm) & {"base_url", "api_key_env", "response_format", "n_ctx", "n_threads"}
    assert "  openai:\n    # OpenAI-compatible base URLs" in text  # with each key's help text
    assert load_config(tmp_path / "ws" / "corpusforge.yaml").llm == LLMConfig()
