"""The Flow panel: the open dialog drawn as a flowchart and edited in step with its text
(model in ``interpreter.flow``). Import the modules themselves (``ui.flow.panel``,
``ui.flow.install``): this package stays light, since the layout's child process imports it.
"""
