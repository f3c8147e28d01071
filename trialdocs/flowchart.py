"""The study flow diagram: study periods as lanes, visits as boxes, in time order.

``flow_svg`` lays the diagram out itself and returns SVG text, so the same
picture is inline in the HTML and drawn by WeasyPrint in the PDF. Text is
measured with the documents' own typeface (the pinned Source Sans Pro files,
read with fontTools), wrapped to fit its box, and escaped: nothing a protocol
author writes can become markup. The layout is a pure function of its input,
so the output is deterministic.

Layout: one lane per period (epoch), its name on the left; the period's
visits left to right, wrapping onto more rows when they do not fit; an arrow
from each visit to the next, across rows and lanes. A repeated visit has a
dashed border and says so.
"""

from __future__ import annotations

import functools
from pathlib import Path

from markupsafe import escape

WIDTH = 680            # user units; the SVG scales to the column width
LABEL_W = 104          # lane label column
PAD = 10               # inside a lane
BOX_W = 116
GAP_X = 22             # between boxes in a row (room for an arrow)
GAP_Y = 26             # between rows and between lanes
ID_SIZE = 9.5
NAME_SIZE = 11.5
DAY_SIZE = 10.5
LANE_SIZE = 12.5
LINE = 1.22            # line height, in font sizes
COLOURS = {"lane": "#eef3f8", "lane_edge": "#9db3c8", "box": "#ffffff", "edge": "#123e6b",
           "text": "#1a1a1a", "muted": "#4a5561", "arrow": "#123e6b"}
FACES = {400: "SourceSansPro-Regular.ttf", 600: "SourceSansPro-Semibold.ttf",
         700: "SourceSansPro-Bold.ttf"}


@functools.lru_cache(maxsize=None)
def _metrics(weight: int):
    """Advance widths (per 1 unit of font size) of one face of the typeface."""
    import font_source_sans_pro  # noqa: PLC0415 (only when a diagram is drawn)
    from fontTools.ttLib import TTFont  # noqa: PLC0415

    path = Path(font_source_sans_pro.__file__).resolve().parent / "files" / FACES[weight]
    font = TTFont(str(path), lazy=True)
    scale = font["head"].unitsPerEm
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    default = hmtx["n"][0] / scale if "n" in hmtx.metrics else 0.5
    return {code: hmtx[name][0] / scale for code, name in cmap.items()}, default


def text_width(text: str, size: float, weight: int = 400) -> float:
    widths, default = _metrics(weight)
    return sum(widths.get(ord(ch), default) for ch in text) * size


def wrap(text: str, width: float, size: float, weight: int = 400) -> list[str]:
    """Greedy word wrap to a width; a word longer than the width is cut."""
    return list(_wrapped(text, width, size, weight))


@functools.lru_cache(maxsize=4096)
def _wrapped(text: str, width: float, size: float, weight: int) -> tuple[str, ...]:
    """wrap's lines, worked out once per process (a diagram is drawn for every
    language and every build of ``watch``, measuring each text char by char)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, weight) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while text_width(word, size, weight) > width:
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size, weight) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return tuple(lines or [""])


def _text(x, y, lines, size, weight=400, colour="text", anchor="middle", italic=False):
    """SVG text, one tspan per line; y is the first baseline."""
    style = ' font-style="italic"' if italic else ""
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + i * size * LINE:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines))
    return (f'<text font-family="Source Sans Pro, sans-serif" font-size="{size}" font-weight="{weight}"'
            f'{style} fill="{COLOURS[colour]}" text-anchor="{anchor}">{spans}</text>')


def _arrow_head(x, y, direction):
    """A filled triangle pointing right ('r') or down ('d') with its tip at (x, y)."""
    if direction == "r":
        points = f"{x:.1f},{y:.1f} {x - 7:.1f},{y - 4:.1f} {x - 7:.1f},{y + 4:.1f}"
    else:
        points = f"{x:.1f},{y:.1f} {x - 4:.1f},{y - 7:.1f} {x + 4:.1f},{y - 7:.1f}"
    return f'<polygon points="{points}" fill="{COLOURS["arrow"]}"/>'


def flow_svg(lanes: list[dict], title: str, repeated_word: str, description: str = "") -> str:
    """The diagram for lanes ``[{"name", "visits": [{"id", "name", "day", "repeat"}]}]``."""
    per_row = max(1, int((WIDTH - LABEL_W - 2 * PAD + GAP_X) // (BOX_W + GAP_X)))
    inner = BOX_W - 12
    parts, boxes = [], []
    y = 0.0
    for lane_index, lane in enumerate(lanes):
        visits = lane["visits"]
        rows = [visits[i:i + per_row] for i in range(0, len(visits), per_row)] or [[]]
        lane_top = y
        y += PAD
        row_tops = []
        for row in rows:
            laid = []
            for visit in row:
                name = wrap(visit["name"], inner, NAME_SIZE, 600)
                day = wrap(visit["day"], inner, DAY_SIZE)
                extra = [repeated_word] if visit.get("repeat") else []
                laid.append((visit, name, day, extra))
            lines_h = max((ID_SIZE + len(n) * NAME_SIZE + (len(d) + len(e)) * DAY_SIZE) * LINE
                          for _, n, d, e in laid) if laid else NAME_SIZE * LINE
            height = lines_h + 14
            row_tops.append(y)
            for column, (visit, name, day, extra) in enumerate(laid):
                x = LABEL_W + PAD + column * (BOX_W + GAP_X)
                boxes.append((x, y, height))
                dash = ' stroke-dasharray="4 2.5"' if visit.get("repeat") else ""
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{height:.1f}" '
                             f'rx="4" fill="{COLOURS["box"]}" stroke="{COLOURS["edge"]}" '
                             f'stroke-width="1.1"{dash}/>')
                cx = x + BOX_W / 2
                baseline = y + 7 + ID_SIZE
                parts.append(_text(cx, baseline, [visit.get("id", "")], ID_SIZE, 700, colour="edge"))
                baseline += ID_SIZE * (LINE - 1) + NAME_SIZE
                parts.append(_text(cx, baseline, name, NAME_SIZE, 600))
                baseline += len(name) * NAME_SIZE * LINE
                parts.append(_text(cx, baseline - NAME_SIZE + DAY_SIZE, day, DAY_SIZE,
                                   colour="muted"))
                if extra:
                    baseline += len(day) * DAY_SIZE * LINE
                    parts.append(_text(cx, baseline - NAME_SIZE + DAY_SIZE, extra, DAY_SIZE,
                                       colour="muted", italic=True))
            y += height + GAP_Y
        y = y - GAP_Y + PAD
        label = wrap(lane["name"], LABEL_W - 14, LANE_SIZE, 700)
        label_h = len(label) * LANE_SIZE * LINE
        label_y = lane_top + (y - lane_top - label_h) / 2 + LANE_SIZE * 0.95
        parts.insert(0, _text(8, label_y, label, LANE_SIZE, 700, anchor="start"))
        parts.insert(0, f'<rect x="0.5" y="{lane_top + 0.5:.1f}" width="{WIDTH - 1}" '
                        f'height="{y - lane_top - 1:.1f}" rx="6" fill="{COLOURS["lane"]}" '
                        f'stroke="{COLOURS["lane_edge"]}" stroke-width="1"/>')
        if lane_index < len(lanes) - 1:
            y += GAP_Y
    arrows = []
    for (x1, y1, h1), (x2, y2, h2) in zip(boxes, boxes[1:]):
        if abs(y1 - y2) < 0.5:  # same row: straight right
            mid = y1 + min(h1, h2) / 2
            arrows.append(f'<path d="M{x1 + BOX_W:.1f},{mid:.1f} H{x2 - 1:.1f}" fill="none" '
                          f'stroke="{COLOURS["arrow"]}" stroke-width="1.3"/>')
            arrows.append(_arrow_head(x2 - 0.5, mid, "r"))
        else:  # next row or lane: down, across, down
            sx, tx = x1 + BOX_W / 2, x2 + BOX_W / 2
            bottom = y1 + h1
            turn = bottom + (y2 - bottom) / 2
            arrows.append(f'<path d="M{sx:.1f},{bottom:.1f} V{turn:.1f} H{tx:.1f} V{y2 - 1:.1f}" '
                          f'fill="none" stroke="{COLOURS["arrow"]}" stroke-width="1.3"/>')
            arrows.append(_arrow_head(tx, y2 - 0.5, "d"))
    height = max(y, 1.0)
    desc = f"<desc>{escape(description)}</desc>" if description else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="flow-diagram" role="img" '
            f'viewBox="0 0 {WIDTH} {height:.1f}" width="{WIDTH}" height="{height:.1f}" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>{desc}'
            + "".join(parts) + "".join(arrows) + "</svg>")
