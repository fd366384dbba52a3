"""Model shapes the memory planner needs: the Qwen2.5 family offline, anything else from its config.json."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path


class PlanError(ValueError):
    """The planner cannot size this model (unknown name, unreadable config)."""


@dataclass(frozen=True, slots=True)
class ModelShape:
    """What sizes a decoder-only transformer's memory.

    Attributes:
        hidden, layers, heads, kv_heads, intermediate, vocab: from config.json.
        tie_embeddings: whether lm_head shares the embedding matrix.
        qkv_bias: whether q/k/v projections have biases (Qwen2 yes, Llama no).
        head_dim: per-head size (hidden / heads unless the config says otherwise).
    """

    name: str
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    intermediate: int
    vocab: int
    tie_embeddings: bool
    qkv_bias: bool = False
    head_dim: int = 0

    @property
    def hd(self) -> int:
        """Head dimension."""
        return self.head_dim or self.hidden // self.heads

    def linear_shapes(self) -> dict[str, tuple[int, int]]:
        """(in, out) of each linear layer of one decoder block, by module name."""
        q, kv = self.heads * self.hd, self.kv_heads * self.hd
        h, i = self.hidden, self.intermediate
        return {
            "q_proj": (h, q),
            "k_proj": (h, kv),
            "v_proj": (h, kv),
            "o_proj": (q, h),
            "gate_proj": (h, i),
            "up_proj": (h, i),
            "down_proj": (i, h),
        }

    def block_linear_params(self) -> int:
        """Weights of one block's linear layers (the part 4-bit quantisation shrinks)."""
        return sum(a * b for a, b in self.linear_shapes().values())

    def embedding_params(self) -> int:
        """Embedding plus (untied) lm_head."""
        return self.vocab * self.hidden * (1 if self.tie_embeddings else 2)

    def params(self) -> int:
        """Total parameter count."""
        bias = (self.heads + 2 * self.kv_heads) * self.hd if self.qkv_bias else 0
        block = self.block_linear_params() + bias + 2 * self.hidden
        return self.layers * block + self.embedding_params() + self.hidden


# Qwen2.5 (and -Instruct) configs, copied from each model's config.json on the Hugging Face Hub.
QWEN25 = {
    "0.5b": ModelShape("Qwen/Qwen2.5-0.5B-Instruct", 896, 24, 14, 2, 4864, 151936, True, True),
    "1.5b": ModelShape("Qwen/Qwen2.5-1.5B-Instruct", 1536, 28, 12, 2, 8960, 151936, True, True),
    "3b": ModelShape("Qwen/Qwen2.5-3B-Instruct", 2048, 36, 16, 2, 11008, 151936, True, True),
    "7b": ModelShape("Qwen/Qwen2.5-7B-Instruct", 3584, 28, 28, 4, 18944, 152064, False, True),
    "14b": ModelShape("Qwen/Qwen2.5-14B-Instruct", 5120, 48, 40, 8, 13824, 152064, False, True),
    "32b": ModelShape("Qwen/Qwen2.5-32B-Instruct", 5120, 64, 40, 8, 27648, 152064, False, True),
    "72b": ModelShape("Qwen/Qwen2.5-72B-Instruct", 8192, 80, 64, 8, 29568, 152064, False, True),
}
_QWEN_RE = re.compile(r"qwen2\.5-(0\.5b|1\.5b|3b|7b|14b|32b|72b)(-instruct)?$", re.I)


def shape_from_config(cfg: dict, name: str) -> ModelShape:
    """A shape from a config.json dict (multimodal configs: their ``text_config``)."""
    cfg = cfg.get("text_config", cfg)
    try:
        heads = int(cfg["num_attention_heads"])
        return ModelShape(
            name=name,
            hidden=int(cfg["hidden_size"]),
            layers=int(cfg["num_hidden_layers"]),
            heads=heads,
            kv_heads=int(cfg.get("num_key_value_heads") or heads),
            intermediate=int(cfg["intermediate_size"]),
            vocab=int(cfg["vocab_size"]),
            tie_embeddings=bool(cfg.get("tie_word_embeddings", False)),
            qkv_bias=bool(cfg.get("attention_bias", cfg.get("model_type") == "qwen2")),
            head_dim=int(cfg.get("head_dim") or 0),
        )
    except KeyError as e:
        raise PlanError(f"{name}: config.json has no {e.args[0]}") from None


def resolve_shape(model: str | None) -> ModelShape:
    """The shape of a Qwen2.5 name (offline), a folder or config.json file, a GGUF or the embedded model.

    Raises:
        PlanError: one line saying what is missing.
    """
    m = _QWEN_RE.search((model or "").strip().split("/")[-1])
    if m:
        return QWEN25[m.group(1).lower()]
    path = Path(model) if model else None
    if path is not None and path.is_file() and path.name == "config.json":
        return shape_from_config(json.loads(path.read_text(encoding="utf-8")), str(path.parent))
    if path is not None and (path / "config.json").is_file():
        return shape_from_config(json.loads((path / "config.json").read_text(encoding="utf-8")), str(path))
    if not model or model == "embedded" or model.endswith(".gguf"):
        from corpusforge.models import hf_dir_for

        return resolve_shape(hf_dir_for(model or None))
    raise PlanError(
        f"{model}: unknown model; the planner knows Qwen2.5-{{0.5B..72B}} (or random:<that id>) offline, "
        "otherwise give a local folder (or config.json) of the model"
    )
