"""Maps: choropleths, the paper's Figures 1 and 2, discontinuity maps.

Every map is drawn in an Albers equal-area conic projection fitted to what it shows
(:func:`crossborder._mapstyle.equal_area_crs`), with a legend, a scale bar in km (geodesic), a north
arrow pointing to true north at the map centre, a source line and a title, laid out 180 mm wide
for print (fonts of 7 pt and more). Nothing is shown on screen: the functions build a
:class:`matplotlib.figure.Figure` (no pyplot state) and return a :class:`MapResult` holding it with
the table of what was drawn; ``result.save(path)`` writes PNG and SVG atomically.

* :func:`choropleth` — any indicator and year, classified with mapclassify (quantiles, equal
  interval, Fisher–Jenks, user breaks, …); missing values hatched grey with a "no data" entry.
* :func:`figure1` — the change in the share of ethnic Russians in the Kazakh border regions
  (Stepanov et al. 2020, Figure 1) from the data, with the paper's numbering.
* :func:`figure2` — border regions of both countries, the border line, the border zone, the
  agglomerations and their cross-border regions (Stepanov et al. 2020, Figure 2).
* :func:`discontinuity_map` — shared edges drawn with a width by their discontinuity value,
  border edges highlighted.
* :func:`change_map` — the change in the log indicator over the study window (one colorbar).
* :func:`border_gap_map` — the border discontinuity: border edges coloured by the gap across them.

Every map takes ``ax=`` (draw on the user's matplotlib Axes) and returns a :class:`MapResult`.
"""


from __future__ import annotations

from ..study.paper import PAPER_AGGLOMERATIONS, PAPER_LABELS
from ._base import SCHEMES, MapResult, classify, map_units, number_west_to_east
from .change_maps import border_gap_map, change_map, log_change
from .choropleth import choropleth
from .discontinuity_map import discontinuity_map
from .paper_figures import figure1, figure1_table, figure2

__all__ = [
    "MapResult",
    "PAPER_AGGLOMERATIONS",
    "PAPER_LABELS",
    "SCHEMES",
    "border_gap_map",
    "change_map",
    "choropleth",
    "classify",
    "discontinuity_map",
    "figure1",
    "figure1_table",
    "figure2",
    "log_change",
    "map_units",
    "number_west_to_east",
]
