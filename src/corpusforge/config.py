"""The one typed configuration (``corpusforge.yaml``); each section's model lives in its stage package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from corpusforge.configbase import Section, first_error
from corpusforge.corpus.config import CorpusConfig
from corpusforge.evaluate.config import EvalConfig
from corpusforge.export.config import ExportConfig
from corpusforge.generate.config import GenerateConfig
from corpusforge.ingest.config import IngestConfig
from corpusforge.kb.config import KBConfig
from corpusforge.llm.config import LLMConfig
from corpusforge.quality.config import QualityConfig
from corpusforge.review.config import ReviewConfig
from corpusforge.scale.config import Engine, RayConfig
from corpusforge.train.config import TrainConfig
from corpusforge.yamlfile import YAMLFileError, load_yaml_file

CONFIG_NAME = "corpusforge.yaml"


class ProjectConfig(Section):
    """What the project is about."""

    name: str = Field("corpusforge-project", description="Project name, used in model cards and reports.")
    languages: list[str] = Field(
        default_factory=lambda: ["zh", "en"], description="Languages kept in the corpus (ISO 639-1 codes)."
    )
    target_model: str = Field(
        "Qwen/Qwen2.5-7B-Instruct", description="The model the data is for; its tokenizer sizes chunks."
    )


class Config(Section):
    """Everything corpusforge reads from ``corpusforge.yaml``."""

    project: ProjectConfig = Field(default_factory=ProjectConfig, description="Project settings.")
    engine: Engine = Field(
        "local",
        description="Where ingest and corpus run: local (this process) or ray (a Ray cluster, see ray:; "
        "needs corpusforge[ray]). --engine overrides it.",
    )
    ray: RayConfig = Field(default_factory=RayConfig, description="Ray cluster (engine: ray).")
    ingest: IngestConfig = Field(default_factory=IngestConfig, description="Reading documents.")
    corpus: CorpusConfig = Field(default_factory=CorpusConfig, description="Pretraining corpus.")
    llm: LLMConfig = Field(default_factory=LLMConfig, description="LLM backend.")
    generate: GenerateConfig = Field(default_factory=GenerateConfig, description="Instruction data.")
    quality: QualityConfig = Field(default_factory=QualityConfig, description="Quality gate.")
    review: ReviewConfig = Field(default_factory=ReviewConfig, description="Review app.")
    export: ExportConfig = Field(default_factory=ExportConfig, description="Exports.")
    train: TrainConfig = Field(default_factory=TrainConfig, description="Training.")
    eval: EvalConfig = Field(default_factory=EvalConfig, description="Evaluation.")
    kb: KBConfig = Field(default_factory=KBConfig, description="Knowledge base.")


class ConfigError(ValueError):
    """A one-line error about the config file, naming the key."""


def load_config(path: str | Path) -> Config:
    """Read and validate a config file.

    Raises:
        ConfigError: one line naming the file, the key and the problem.
    """
    path = Path(path)
    try:
        data = load_yaml_file(path)
    except YAMLFileError as e:
        raise ConfigError(str(e)) from None
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    return parse_config(data, str(path))


def parse_config(data: dict[str, Any], origin: str = CONFIG_NAME) -> Config:
    """Validate a dict as a Config, with one-line errors naming the key."""
    try:
        return Config.model_validate(data)
    except ValidationError as e:
        more = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
        raise ConfigError(f"{origin}: {first_error(e)}{more}") from None


def render_default_config() -> str:
    """The default config as YAML, each key preceded by its help text as a comment."""
    lines: list[str] = ["# corpusforge workspace configuration. Unknown keys are errors.", ""]
    cfg = Config()

    def walk(model: Section, indent: int) -> None:
        for name, field in type(model).model_fields.items():
            value = getattr(model, name)
            pad = "  " * indent
            if field.description:
                lines.append(f"{pad}# {field.description}")
            if isinstance(value, Section):
                lines.append(f"{pad}{name}:")
                walk(value, indent + 1)
                if indent == 0:
                    lines.append("")
            else:
                lines.append(f"{pad}{name}: {json.dumps(value, ensure_ascii=False)}")

    walk(cfg, 0)
    return "\n".join(lines) + "\n"
