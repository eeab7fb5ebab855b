"""Keep the knowledge base on disk and answer questions from it.

``open_kb(path)`` gives a :class:`KnowledgeBase` (documents, graph, source texts,
stats, clause search); ``kb.writer`` builds and changes one safely.
"""

from kb.knowledge_base import KnowledgeBase, open_kb
from kb.layout import resolve_kb_path

__all__ = ["KnowledgeBase", "open_kb", "resolve_kb_path"]
