"""The flow view's model, without Qt: a dialog's syntax tree as a flow graph whose nodes know
their text, and the flow edits as the smallest text changes.

``build_flow(text)`` gives the :class:`FlowGraph`; ``edits`` turns an edit made on a node
into one :class:`TextEdit`; ``coverage`` says which nodes and edges a run went through.
"""

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
