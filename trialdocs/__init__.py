"""trialdocs: protocol-as-code for clinical trials.

The pipeline, top to bottom: ``load`` (YAML with positions) -> ``validate`` and
``rules`` (every problem, as Diagnostics) -> ``model`` (what templates read) ->
``render`` (Jinja, Markdown, WeasyPrint) -> ``write`` (atomic, with a manifest).
The public surface is ``check`` and ``build`` and the command line.
"""

__version__ = "0.1.0"
