"""A workspace: a folder with ``corpusforge.yaml`` and the SQLite store under ``.corpusforge/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpusforge.config import CONFIG_NAME, Config, load_config, render_default_config
from corpusforge.store import Store

STORE_DIR = ".corpusforge"


class WorkspaceError(RuntimeError):
    """The folder is not a workspace (or cannot be made one)."""


@dataclass
class Workspace:
    """An opened workspace.

    Attributes:
        root: the workspace folder.
        config: the validated ``corpusforge.yaml``.
        store: the SQLite store.
    """

    root: Path
    config: Config
    store: Store = field(repr=False)

    @property
    def out_dir(self) -> Path:
        """Default output folder (``<root>/out``)."""
        return self.root / "out"

    def close(self) -> None:
        """Close the store."""
        self.store.close()


def init_workspace(root: str | Path, config_text: str | None = None) -> Workspace:
    """Create a workspace (config with commented defaults + store); keep an existing config."""
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    cfg = root / CONFIG_NAME
    if not cfg.exists():
        cfg.write_text(config_text or render_default_config(), encoding="utf-8")
    return open_workspace(root)


def open_workspace(root: str | Path) -> Workspace:
    """Open the workspace at ``root``.

    Raises:
        WorkspaceError: when ``root`` has no ``corpusforge.yaml``.
        corpusforge.config.ConfigError: when the config is invalid.
    """
    root = Path(root).resolve()
    cfg = root / CONFIG_NAME
    if not cfg.exists():
        raise WorkspaceError(
            f"{root}: not a corpusforge workspace (no {CONFIG_NAME}); run `corpusforge init {root}`"
        )
    config = load_config(cfg)
    return Workspace(root=root, config=config, store=Store(root / STORE_DIR / "store.db"))
