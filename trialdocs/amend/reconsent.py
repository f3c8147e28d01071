"""Check rules that need the protocol's git history: re-consent and rationales.

The re-consent rule (ICH E6(R3) 2.8.2): when a field the consent form shows
changed since the last commit and ``consent.version`` did not, the form would
go out changed under the number participants already signed; ``check``
reports an error at ``consent.version`` naming the changed fields. A change
marked cosmetic in the current amendment (``changes[].cosmetic: true``: a
typo or typography fix) does not count.

The rationale rule: once the current version's amendment lists its
``changes`` (the team documents this amendment), every field changed since
the previous protocol version must be covered by one of them; each one that
is not is a warning, as it would appear in the summary of changes with no
rationale.

Outside a git repository, without git, or in a repository without commits,
both rules are skipped: there is no previous version to compare with. When
the folder is unchanged since the last commit, the first rule costs one
``git status``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import ERROR, WARNING, Diagnostic
from . import history
from .diff import diff
from .rationale import explanation, new_amendments
from .sections import places

BASELINE_SEARCH = 50   # commits looked through for the previous protocol version


def _old_data(place, commit) -> dict | None:
    """The protocol's data at a commit, loaded (not checked), or None."""
    from ..load import load_protocol

    with tempfile.TemporaryDirectory(prefix="trialdocs-check-") as tmp:
        try:
            folder = history.export(place, commit, Path(tmp))
        except history.HistoryError:
            return None
        source, problems = load_protocol(folder)
    return source.data if source and source.data and not any(
        d.severity == ERROR for d in problems) else None


def _version(data, *path):
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return None if data is None else str(data)


def check(checked) -> None:
    source = checked.source
    if source is None or not source.data:
        return
    data = source.data
    version = _version(data, "protocol", "version")
    amendments = (data.get("protocol") or {}).get("amendments") or []
    current = [a for a in amendments if isinstance(a, dict) and str(a.get("version")) == version]
    documented = bool(current and current[-1].get("changes"))
    if "consent" not in checked.documents and not documented:
        return
    try:
        # one git call when the folder is unchanged since the last commit (or not in git)
        status = history._git(["status", "--porcelain", "--untracked-files=all", "--", "."],
                              Path(checked.folder))
        if status is None:
            return  # not a repository
        place = history.locate(checked.folder)
        if status and "consent" in checked.documents:
            old = _old_data(place, "HEAD")
            if old is not None:
                _reconsent(checked, old, data)
        if documented:
            _rationales(checked, place, data, version)
    except history.HistoryError:
        return


def _reconsent(checked, old: dict, new: dict) -> None:
    if _version(old, "consent", "version") != _version(new, "consent", "version"):
        return
    amendments = new_amendments(old, new)
    changed = [c.path for c in diff(old, new) if "consent" in places(c.path)
               and not (explanation(c, amendments) or {}).get("cosmetic")]
    if not changed:
        return
    checked.diagnostics.append(Diagnostic(
        *checked.source.where(("consent", "version")), ERROR, "consent.version",
        f"the consent form changed since the last commit ({', '.join(changed)}) but "
        f"consent.version is still {_version(new, 'consent', 'version')}",
        "give the consent a new version and date, or mark a typo or typography fix as "
        "cosmetic in the amendment's changes (cosmetic: true)", code="reconsent"))


def _rationales(checked, place, data, version) -> None:
    # only commits that touched a "version:" line can hold another protocol.version
    log = history._git(["log", f"-{BASELINE_SEARCH}", "--format=%H", "-G", "version:", "--",
                        place.prefix], place.root) or ""
    for commit in log.split():
        if history.protocol_version(place, commit) in (None, version):
            continue
        old = _old_data(place, commit)
        if old is None:
            return
        amendments = new_amendments(old, data)
        for change in diff(old, data):
            if explanation(change, amendments) is None:
                checked.diagnostics.append(Diagnostic(
                    *checked.source.where(("protocol", "amendments")), WARNING,
                    "protocol.amendments",
                    f"{change.path} changed since version {_version(old, 'protocol', 'version')} "
                    "without a rationale",
                    f"add it to the changes of amendment {version}", code="rationale"))
        return
