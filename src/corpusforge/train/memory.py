"""Measured memory of a run: process RSS (Linux ``/proc/self/status``) and CUDA peak allocation."""

from __future__ import annotations

from pathlib import Path

_STATUS = Path("/proc/self/status")


def _status_mb(key: str) -> float | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb() -> float | None:
    """Current resident set size in MiB (None where /proc is absent)."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float | None:
    """Peak resident set size of this process so far, in MiB."""
    return _status_mb("VmHWM")


def cuda_peak_mb() -> float | None:
    """``torch.cuda.max_memory_allocated`` in MiB, or None without CUDA."""
    import torch

    if not torch.cuda.is_available():
        return None
    return torch.cuda.max_memory_allocated() / 2**20


def reset_cuda_peak() -> None:
    """Start a new CUDA peak measurement (no-op without CUDA)."""
    import torch

    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
