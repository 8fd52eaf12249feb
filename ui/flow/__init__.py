"""The Flow panel: the open dialog drawn as a flowchart and edited in step with its text
(model in ``interpreter.flow``)."""

from .install import FlowFeature, install_flow_panel
from .panel import FlowPanel

__all__ = ["FlowFeature", "FlowPanel", "install_flow_panel"]
