"""Amendments: what changed between two versions of a protocol, and what follows.

A trial team that keeps its protocol in git already holds every version; this
package reads two of them (history.py), compares them field by field
(diff.py), says in which document and section each field appears
(sections.py), marks the changes in the rendered documents (redline.py),
writes the amendment package ethics committees expect (package.py) and
enforces the re-consent rule at check time (reconsent.py).

Nothing here is imported by a plain ``check`` or ``build`` except
reconsent.py, which needs git only and no renderer.
"""
