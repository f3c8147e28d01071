"""How full each page of a laid-out document is, measured on WeasyPrint's boxes.

A page's fill is the distance from the top of its content area (inside the
page margins, so the running header and footer do not count) to the bottom
of the lowest thing drawn in the flow: a line of text, an image or drawing,
or a box with a visible border or background (a table cell of a blank log, a
checkbox, a framed card), divided by the content area's height. A box that
continues from the previous page counts only where it draws on this one.

``short_pages`` lists the pages less full than a minimum, except a page that
comes before a part that must start on a new page: a landscape section (the
page size changes), or a chapter, the contents or a printable form that the
stylesheet starts on a new page (``break-before: page``, or ``break-after:
page`` on what ends the page). Never excused: the last page, and a page that
holds the end of a form or of the contents begun on an earlier page (a form
or the contents spilling a few lines over is a defect of their size, not a
page break the document needs).
"""

from __future__ import annotations

from weasyprint.formatting_structure import boxes

FORCED = {"page", "left", "right", "recto", "verso"}
# What may start a new page and excuse a short page before it: a chapter, the
# contents, a printable form (a page to copy starts at the top of a sheet).
NEW_PAGE_PARTS = {"chapter", "toc", "form"}
SPILLS = {"toc", "form"}   # their last lines alone on a page are never excused


def _walk(box):
    """A box and its descendants in the flow: a fixed or absolute box (the draft mark,
    repeated on every page) is not content of the page."""
    if box.style["position"] in ("fixed", "absolute"):
        return
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)


def _flow(page):
    """The page's boxes in the flow (under the root element), not its margin boxes."""
    for child in page._page_box.children:
        if not isinstance(child, boxes.MarginBox):
            yield from _walk(child)


def _visible(color) -> bool:
    return color is not None and color.alpha > 0


def _draws(box) -> bool:
    """Whether the box puts ink on the page itself (text, image, border, background)."""
    if isinstance(box, boxes.TextBox):
        return bool(box.text.strip())
    if isinstance(box, boxes.ReplacedBox):
        return True
    if box.element_tag in ("html", "body"):
        return False
    style = box.style
    if any(style[f"border_{side}_width"] and style[f"border_{side}_style"] not in ("none", "hidden")
           for side in ("top", "bottom")):
        return True
    color = style["background_color"]   # white on white puts no ink on the page
    return _visible(color) and tuple(color.to("srgb").coordinates) != (1.0, 1.0, 1.0)


def fill(page) -> float:
    """The page's filled fraction of its content area's height, from 0 to 1."""
    page_box = page._page_box
    top, height = page_box.content_box_y(), page_box.height
    bottom = top
    for box in _flow(page):
        if box.height is not None and _draws(box):
            bottom = max(bottom, box.border_box_y() + box.border_height())
    return min(1.0, max(0.0, (bottom - top) / height))


def orientation(page) -> str:
    return "landscape" if page.width > page.height else "portrait"


def _classes(box) -> set:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def _parts(pages):
    """Per page, the boxes of the elements that begin on it, and of those that end on it."""
    seen, starts = set(), []
    last_page = {}
    for number, page in enumerate(pages):
        here = []
        for box in _flow(page):
            element = getattr(box, "element", None)
            if element is None or box.element_tag in ("html", "body") or \
                    not isinstance(box, boxes.ParentBox):
                continue
            last_page[id(element)] = (number, box)
            if id(element) not in seen:
                seen.add(id(element))
                here.append(box)
        starts.append(here)
    ends = [[] for _ in pages]
    for number, box in last_page.values():
        ends[number].append(box)
    return starts, ends


def why_new_page(pages, index: int) -> str:
    """Why page ``index + 1`` had to start a new page, or "" when nothing forced it."""
    if index + 1 >= len(pages):
        return ""
    starts, ends = _parts(pages)
    begun_here = {id(box.element) for box in starts[index]}
    for box in _flow(pages[index]):
        if isinstance(box, boxes.ParentBox) and _classes(box) & SPILLS and \
                id(box.element) not in begun_here:
            return ""   # the tail of a form or of the contents
    page, after = pages[index], pages[index + 1]
    if orientation(after) == "landscape" and orientation(page) != "landscape":
        return "a landscape section follows"
    for box in starts[index + 1]:
        if box.style["break_before"] in FORCED and _classes(box) & NEW_PAGE_PARTS:
            return f"{box.element.tag}.{'.'.join(sorted(_classes(box)))} starts on a new page"
    for box in ends[index]:
        if box.style["break_after"] in FORCED and _classes(box) & NEW_PAGE_PARTS:
            return f"{box.element.tag}.{'.'.join(sorted(_classes(box)))} ends its page"
    return ""


def page_text(page, limit: int = 80) -> str:
    """The page's first words, to name it in a message."""
    words = " ".join(box.text for box in _flow(page) if isinstance(box, boxes.TextBox))
    return " ".join(words.split())[:limit]


def short_pages(document, minimum: float = 1 / 3) -> list[str]:
    """Pages less full than ``minimum`` and not excused, each as a line to read."""
    pages = document.pages
    out = []
    for index, page in enumerate(pages):
        share = fill(page)
        if share < minimum and not why_new_page(pages, index):
            out.append(f"page {index + 1} ({orientation(page)}) is {share:.0%} full: "
                       f"{page_text(page)!r}")
    return out


def overflows(document) -> list[str]:
    """Boxes that stick out of the page's content area, or out of their table cell."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in page_box.descendants():
            if isinstance(box, boxes.MarginBox) or getattr(box, "width", None) is None:
                continue
            if box.border_box_x() + box.border_width() > right + 0.01:
                problems.append(f"page {number}: {type(box).__name__} past the page edge")
            if isinstance(box, boxes.TableCellBox):
                cell_right = box.border_box_x() + box.border_width()
                for inner in box.descendants():
                    if inner is not box and getattr(inner, "width", None) is not None and \
                            inner.border_box_x() + inner.border_width() > cell_right + 0.01:
                        problems.append(f"page {number}: {getattr(inner, 'text', '')!r} "
                                        "sticks out of its table cell")
    return problems
