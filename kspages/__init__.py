"""kspages: a static-site generator for a zh-CN consumer-complaint guidance site."""

from __future__ import annotations

__version__ = "0.1.0"
