"""Documents as of their version: the planned values a consent form or site manual shows.

A protocol folder also holds the registry record, which is kept up to date
after the trial starts: actual enrollment, actual dates, "Completed". A site
manual dated 30 November 2020 must not print "18 participants (actual)" or a
completion date of 2023; it shows what the protocol planned at that version.
``protocol.planned`` declares those values; without it, a registry value is
used only while it is still an estimate (type ``ESTIMATED``), never an actual.
"""

from __future__ import annotations


def enrollment(model: dict):
    """The planned number of participants, or None."""
    planned = ((model.get("protocol") or {}).get("planned") or {}).get("enrollment")
    if planned is not None:
        return planned
    registered = (model.get("design") or {}).get("enrollment") or {}
    return registered.get("count") if registered.get("type") == "ESTIMATED" else None


def date(model: dict, key: str):
    """The planned ``start`` or ``completion`` date (YYYY-MM[-DD]), or None."""
    planned = ((model.get("protocol") or {}).get("planned") or {}).get(key)
    if planned:
        return planned
    registered = (model.get("status") or {}).get(f"{key}_date") or {}
    return registered.get("date") if registered.get("type") == "ESTIMATED" else None
