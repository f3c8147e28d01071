"""The schedule of activities as USDM: encounters, activities and the main timeline.

Visits become ``Encounter``s, procedures ``Activity``s, and the timeline has
one ``ScheduledActivityInstance`` per visit holding the activities done at it.
Timings count from one anchor: the visit on study day 1 or, when no visit is
on day 1, an instance of its own named after ``schedule.reference_point``.
Each function takes the export's builder (trialdocs.registry.usdm), which
numbers ids and writes codes, so the ids stay one sequence across the file.
"""

from __future__ import annotations

from . import cdisc


def chain(items: list) -> None:
    """previous/next links, as USDM orders epochs, criteria, encounters and activities."""
    for before, after in zip(items, items[1:]):
        before["nextId"] = after["id"]
        after["previousId"] = before["id"]


def schedule(b) -> tuple[list, list, list]:
    """Encounters (visits), activities (procedures) and the main timeline."""
    schedule = b.m.get("schedule") or {}
    visits = schedule.get("visits") or []
    procedures = schedule.get("procedures") or []
    if not visits:
        return [], [], []
    encounters = []
    for visit in visits:
        encounters.append({
            "id": b.id("Encounter"), "extensionAttributes": [],
            "name": visit.get("id"), "label": b.text(visit.get("name")),
            "description": b.text(visit.get("repeat")) or None,
            "type": b.code(cdisc.ENCOUNTER_VISIT),
            "previousId": None, "nextId": None, "scheduledAtId": None,
            "environmentalSettings": [], "contactModes": [],
            "transitionStartRule": None, "transitionEndRule": None, "notes": [],
            "instanceType": "Encounter"})
    chain(encounters)
    activities, at_visit = [], {v.get("id"): [] for v in visits}
    for procedure in procedures:
        activity_id = b.id("Activity")
        activities.append({
            "id": activity_id, "extensionAttributes": [], "name": procedure.get("id"),
            "label": b.text(procedure.get("name")), "description": None,
            "previousId": None, "nextId": None, "childIds": [], "definedProcedures": [],
            "biomedicalConceptIds": [], "bcCategoryIds": [], "bcSurrogateIds": [],
            "timelineId": None, "notes": [], "instanceType": "Activity"})
        for visit_id in procedure.get("visits") or []:
            if visit_id in at_visit and activity_id not in at_visit[visit_id]:
                at_visit[visit_id].append(activity_id)
    chain(activities)
    return encounters, activities, [timeline(b, visits, encounters, at_visit)]


def timeline(b, visits, encounters, at_visit) -> dict:
    """One instance per visit, timed from the anchor: the visit on day 1, else the reference point."""
    timeline_id = b.id("ScheduleTimeline")
    exit_ = {"id": b.id("ScheduleTimelineExit"), "extensionAttributes": [],
             "instanceType": "ScheduleTimelineExit"}
    visit_instances = [
        scheduled_instance(b, visit.get("id"), encounter["label"], at_visit[visit.get("id")],
                           encounter["id"], b.epoch_ids.get(visit.get("epoch")))
        for visit, encounter in zip(visits, encounters)]
    instances = list(visit_instances)
    anchor_at = next((i for i, v in enumerate(visits) if v.get("day") == 1), None)
    if anchor_at is None:
        reference = b.text((b.m.get("schedule") or {}).get("reference_point"))
        anchor = scheduled_instance(b, "DAY_1", reference or "Day 1 (reference point)", [],
                                    None, None)
        first_after = next((i for i, v in enumerate(visits) if _first_day(v) is not None
                            and _first_day(v) >= 1), len(visits))
        instances.insert(first_after, anchor)
    else:
        anchor = visit_instances[anchor_at]
    timings = [timing(b, "fixed", "P1D", "Day 1", anchor["id"], anchor["id"], "ANCHOR", None)]
    for visit, encounter, instance in zip(visits, encounters, visit_instances):
        if instance is anchor:
            encounter["scheduledAtId"] = timings[0]["id"]
            continue
        timed = visit_timing(b, visit, instance["id"], anchor["id"])
        if timed:
            timings.append(timed)
            encounter["scheduledAtId"] = timed["id"]
    for before, after in zip(instances, instances[1:]):
        before["defaultConditionId"] = after["id"]
    instances[-1]["timelineExitId"] = exit_["id"]
    return {"id": timeline_id, "extensionAttributes": [], "name": "MAIN_TIMELINE",
            "label": "Schedule of activities", "description": None, "mainTimeline": True,
            "entryCondition": "", "entryId": instances[0]["id"], "exits": [exit_],
            "timings": timings, "instances": instances, "plannedDuration": None,
            "instanceType": "ScheduleTimeline"}


def scheduled_instance(b, name, label, activity_ids, encounter_id, epoch_id) -> dict:
    return {"id": b.id("ScheduledActivityInstance"), "extensionAttributes": [],
            "name": name, "label": label, "description": None, "defaultConditionId": None,
            "epochId": epoch_id, "timelineId": None, "timelineExitId": None,
            "activityIds": list(activity_ids), "encounterId": encounter_id,
            "instanceType": "ScheduledActivityInstance"}


def visit_timing(b, visit, instance_id, anchor_id):
    """A visit's day, or first day of its range, as an ISO 8601 duration from day 1.

    Study days count from day 1 with no day 0: day -1 is one day before day 1.
    A ``window`` becomes the timing's window; a ``day_range`` a window after its first day.
    """
    day = visit.get("day")
    first = _first_day(visit)
    if first is None:
        return None
    offset = first - 1 if first >= 1 else first
    lower = upper = None
    label = ""
    if day is not None and visit.get("window"):
        before, after = visit["window"]
        lower, upper = f"P{-before}D", f"P{after}D"
        label = f"{before:+d}..{after:+d} days"
    elif day is None:
        last = visit["day_range"][1]
        lower, upper = "P0D", f"P{last - first}D"
        label = f"day {first} to day {last}"
    kind = "after" if offset >= 0 else "before"
    value_label = f"Day {day}" if day is not None else f"Day {first} to {visit['day_range'][1]}"
    return timing(b, kind, f"P{abs(offset)}D", value_label, instance_id, anchor_id,
                  visit.get("id"), (lower, upper, label))


def timing(b, kind, value, value_label, from_id, to_id, name, window) -> dict:
    lower, upper, label = window or (None, None, "")
    return {"id": b.id("Timing"), "extensionAttributes": [], "name": f"TIMING_{name}",
            "label": None, "description": None, "type": b.code(cdisc.TIMING_TYPE[kind]),
            "value": value, "valueLabel": value_label,
            "relativeToFrom": b.code(cdisc.START_TO_START),
            "relativeFromScheduledInstanceId": from_id,
            "relativeToScheduledInstanceId": to_id,
            "windowLower": lower, "windowUpper": upper, "windowLabel": label,
            "instanceType": "Timing"}


def _first_day(visit: dict):
    if isinstance(visit.get("day"), int):
        return visit["day"]
    day_range = visit.get("day_range")
    if isinstance(day_range, list) and len(day_range) == 2:
        return day_range[0]
    return None
