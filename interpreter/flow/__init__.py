"""The flow view's model, without Qt: a dialog's syntax tree as a flow graph whose nodes know
their text, and the flow edits as the smallest text changes.

``build_flow(text)`` gives the :class:`FlowGraph`; ``edits`` turns an edit made on a node
into one :class:`TextEdit`; ``coverage`` says which nodes and edges a run went through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy_names import lazy_names

if TYPE_CHECKING:
    from .build import build_flow
    from .edits import (
        FlowEditError,
        Template,
        TextEdit,
        add_branch,
        delete_node,
        insert_after,
        insert_into,
        move_node,
        set_field,
    )
    from .model import Field, FlowEdge, FlowGraph, FlowNode, NodeKind, Routine, Segment

__all__ = ["Field", "FlowEdge", "FlowEditError", "FlowGraph", "FlowNode", "NodeKind",
           "Routine", "Segment", "Template", "TextEdit", "add_branch", "build_flow",
           "delete_node", "insert_after", "insert_into", "move_node", "set_field"]

# Where each public name lives, loaded on first use (PEP 562): importing any module of the
# package runs this file, and importing them all here made the IDE's idle build import the
# whole package (the parser's spans, the builder, the edits) in one event-loop turn.
_LAZY = {
    "build_flow": ".build",
    **dict.fromkeys(("FlowEditError", "Template", "TextEdit", "add_branch", "delete_node",
                     "insert_after", "insert_into", "move_node", "set_field"), ".edits"),
    **dict.fromkeys(("Field", "FlowEdge", "FlowGraph", "FlowNode", "NodeKind", "Routine",
                     "Segment"), ".model"),
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)
