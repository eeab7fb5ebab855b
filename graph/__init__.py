"""The policy graph: agencies, documents, tasks and facts, and the questions it answers."""

from graph.build import build_graph, load_graph, save_graph

__all__ = ["build_graph", "load_graph", "save_graph"]
