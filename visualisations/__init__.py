"""Self-contained, offline, safe interactive HTML views of catalyse graphs, and the territory report.

Views take networkx graphs (docs/graphs.md) and analysis results and return HTML strings; they never open a store.
"""

from .ecosystem import alliance_view, catalyser_view, ecosystem_map, ego_view
from .report import territory_report

__all__ = ["ecosystem_map", "ego_view", "alliance_view", "catalyser_view", "territory_report"]
