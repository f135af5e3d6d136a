"""The border as an object of analysis: its line, the regions on it, pairs across it."""

from __future__ import annotations

from .geometry import BorderLine, border_line, border_regions, border_shares, cross_border_pairs, shared_edges

__all__ = ["BorderLine", "border_line", "border_regions", "border_shares", "cross_border_pairs",
           "shared_edges"]
