"""The genogram: a child's family drawn on the server as an inline SVG, with the standard symbols.

Drawn by hand rather than with Graphviz: a genogram's conventions (partners side by side joined by a
line, a separation crossing it with two strokes, children hanging from their parents' line, one
generation per row, a boundary round the household) are positions Graphviz's layout does not keep.

- a square for a male, a circle for a female, and for other or not known gender a diamond (or the
  symbol the council sets: settings.GENOGRAM_OTHER_GENDER_SYMBOL, "diamond", "triangle" or "square
  with a question mark");
- the child the page is about with a double outline and a darker fill;
- partners joined by a line at the height of their symbols, separated partners by the same line
  crossed by two strokes; children drawn down from their parents' line (or from a single parent);
  siblings with no parent recorded joined by a line above them (dashed for half-siblings);
- a dashed boundary round the people who live with the child (drawn first on each row).

The SVG is an image (`role="img"`) named by its `<title>` and described by its `<desc>`; each person
and each line carries its own `<title>`, and the table beneath it holds the same content. No script
and no style attribute (the Content-Security-Policy allows neither): presentation attributes only.
Every name is escaped. The picture holds only the people and ties of the `FamilyPicture` it is given,
which the reader's visibility has already cut (contacts.family_selectors)."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .choices import FamilyRelationship, FamilyTieKind, Gender
from .family_selectors import FamilyPicture, Person

SIZE = 40  # a symbol's width and height
COLUMN = 150  # from one person's centre to the next
ROW = 140  # from one generation to the next
MARGIN = 40
NAME_CHARS = 22
INK, FILL, SUBJECT_FILL, HOUSEHOLD = "#0b0c0c", "#ffffff", "#d2e2f1", "#505a5f"
SYMBOL_NAMES = {"diamond": "diamonds", "triangle": "triangles", "question": "squares with a question mark"}
SYMBOLS = tuple(SYMBOL_NAMES)

# Where a person with no tie to place them goes, by their relationship to the child (generation 0 is
# the child's own).
GENERATION_OF = {
    FamilyRelationship.GRANDMOTHER: -2,
    FamilyRelationship.GRANDFATHER: -2,
    FamilyRelationship.MOTHER: -1,
    FamilyRelationship.FATHER: -1,
    FamilyRelationship.STEPMOTHER: -1,
    FamilyRelationship.STEPFATHER: -1,
    FamilyRelationship.PARENTS_PARTNER: -1,
    FamilyRelationship.AUNT: -1,
    FamilyRelationship.UNCLE: -1,
    FamilyRelationship.FOSTER_CARER: -1,
    FamilyRelationship.KINSHIP_CARER: -1,
    FamilyRelationship.CARER: -1,
    FamilyRelationship.SISTER: 0,
    FamilyRelationship.BROTHER: 0,
    FamilyRelationship.HALF_SISTER: 0,
    FamilyRelationship.HALF_BROTHER: 0,
    FamilyRelationship.STEP_SIBLING: 0,
    FamilyRelationship.COUSIN: 0,
}


def other_gender_symbol() -> str:
    symbol = getattr(settings, "GENOGRAM_OTHER_GENDER_SYMBOL", "diamond")
    return symbol if symbol in SYMBOLS else "diamond"


@dataclass
class Placed:
    person: Person
    generation: int
    x: float = 0
    y: float = 0


def _fallback_generation(person: Person) -> int:
    if person.is_subject:
        return 0
    if person.relationship is not None and person.relationship.relationship in GENERATION_OF:
        return GENERATION_OF[person.relationship.relationship]
    return -1 if person.age is None or person.age >= 18 else 0


def generations(picture: FamilyPicture) -> dict[int, int]:
    """Each person's generation: from the ties outwards from the child (a parent one row above their
    child, partners and siblings on one row), then from each unplaced person's relationship."""
    steps: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for tie in picture.ties:
        delta = -1 if tie.kind == FamilyTieKind.PARENT_OF else 0  # a's generation from b's
        steps[tie.b_id].append((tie.a_id, delta))
        steps[tie.a_id].append((tie.b_id, -delta))
    found: dict[int, int] = {}
    order = sorted(picture.people, key=lambda p: (not p.is_subject, _fallback_generation(p) != 0, p.pk))
    for start in order:
        if start.pk in found:
            continue
        found[start.pk] = _fallback_generation(start)
        queue = deque([start.pk])
        while queue:
            current = queue.popleft()
            for other, delta in steps[current]:
                if other not in found:
                    found[other] = found[current] + delta
                    queue.append(other)
    return found


def layout(picture: FamilyPicture) -> list[list[Placed]]:
    """Rows of people, top generation first: the household first on each row, partners side by side,
    children under their parents."""
    found = generations(picture)
    by_generation: dict[int, list[Placed]] = defaultdict(list)
    for person in picture.people:
        by_generation[found[person.pk]].append(Placed(person, found[person.pk]))
    parents: dict[int, list[int]] = defaultdict(list)
    partner: dict[int, int] = {}
    for tie in picture.ties:
        if tie.kind == FamilyTieKind.PARENT_OF:
            parents[tie.b_id].append(tie.a_id)
        elif tie.kind in (FamilyTieKind.PARTNERS, FamilyTieKind.SEPARATED):
            partner.setdefault(tie.a_id, tie.b_id)
            partner.setdefault(tie.b_id, tie.a_id)
    x_of: dict[int, float] = {}
    rows = []
    for generation in sorted(by_generation):
        row = by_generation[generation]

        def key(placed: Placed) -> tuple:
            mine = [x_of[p] for p in parents[placed.person.pk] if p in x_of]
            centre = sum(mine) / len(mine) if mine else float(placed.person.pk) * 1e6
            return (not placed.person.lives_with_child, centre, placed.person.pk)

        row.sort(key=key)
        row = _partners_together(row, partner)
        for index, placed in enumerate(row):
            placed.x = MARGIN + SIZE / 2 + index * COLUMN
            placed.y = MARGIN + SIZE / 2 + len(rows) * ROW
            x_of[placed.person.pk] = placed.x
        rows.append(row)
    return rows


def _partners_together(row: list[Placed], partner: dict[int, int]) -> list[Placed]:
    """The row with each person's partner moved next to them when both are on it and on the same side
    of the household boundary."""
    result: list[Placed] = []
    pending = list(row)
    while pending:
        placed = pending.pop(0)
        result.append(placed)
        other = partner.get(placed.person.pk)
        mate = next((p for p in pending if p.person.pk == other), None)
        if mate is not None and mate.person.lives_with_child == placed.person.lives_with_child:
            pending.remove(mate)
            result.append(mate)
    return result


# --- Drawing ----------------------------------------------------------------------------------


def _symbol(placed: Placed, shape: str) -> str:
    x, y, half = placed.x, placed.y, SIZE / 2
    subject = placed.person.is_subject
    fill = SUBJECT_FILL if subject else FILL
    width = 3 if subject else 2
    gender = placed.person.gender

    def draw(grow: float, fill_colour: str) -> str:
        h = half + grow
        common = f'fill="{fill_colour}" stroke="{INK}" stroke-width="{width}"'
        if gender == Gender.MALE:
            return f'<rect x="{x - h:g}" y="{y - h:g}" width="{2 * h:g}" height="{2 * h:g}" {common}/>'
        if gender == Gender.FEMALE:
            return f'<circle cx="{x:g}" cy="{y:g}" r="{h:g}" {common}/>'
        if shape == "triangle":
            points = f"{x:g},{y - h:g} {x + h:g},{y + h:g} {x - h:g},{y + h:g}"
            return f'<polygon points="{points}" {common}/>'
        if shape == "question":
            box = f'<rect x="{x - h:g}" y="{y - h:g}" width="{2 * h:g}" height="{2 * h:g}" {common}/>'
            mark = f'<text x="{x:g}" y="{y + 7:g}" text-anchor="middle" font-size="20" fill="{INK}">?</text>'
            return box + (mark if grow == 0 else "")
        points = f"{x:g},{y - h:g} {x + h:g},{y:g} {x:g},{y + h:g} {x - h:g},{y:g}"
        return f'<polygon points="{points}" {common}/>'

    outer = draw(6, "none") if subject else ""
    return outer + draw(0, fill)


def _describe(person: Person) -> str:
    parts = [person.name, person.relationship_label]
    parts.append(person.gender_label.lower())
    if person.age is not None:
        parts.append(f"aged {person.age}")
    if person.lives_with_child and not person.is_subject:
        parts.append("lives with the child")
    if person.relationship is not None and person.relationship.parental_responsibility:
        parts.append("has parental responsibility")
    return ", ".join(parts)


def _label(placed: Placed) -> str:
    person = placed.person
    name = person.name if len(person.name) <= NAME_CHARS else person.name[: NAME_CHARS - 1] + "…"
    second = person.relationship_label
    if person.age is not None:
        second = f"{second}, {person.age}"
    second = second if len(second) <= NAME_CHARS + 4 else second[: NAME_CHARS + 3] + "…"
    top = placed.y + SIZE / 2 + 20
    weight = ' font-weight="bold"' if person.is_subject else ""
    return (
        f'<text x="{placed.x:g}" y="{top:g}" text-anchor="middle" font-size="13"{weight} fill="{INK}">'
        f"{escape(name)}</text>"
        f'<text x="{placed.x:g}" y="{top + 16:g}" text-anchor="middle" font-size="12" fill="{INK}">'
        f"{escape(second)}</text>"
    )


def _household(rows: list[list[Placed]]) -> str:
    """A dashed outline round the household: on each row its people come first, so the outline is a
    staircase with a straight left edge."""
    spans = []
    for row in rows:
        inside = [p for p in row if p.person.lives_with_child]
        if inside:
            spans.append((row[0].y, max(p.x for p in inside)))
    if not spans:
        return ""
    left = MARGIN - 24
    top = spans[0][0] - SIZE / 2 - 16
    points = [(left, top)]
    for index, (y, right) in enumerate(spans):
        right = right + COLUMN / 2 - 6
        row_top = top if index == 0 else y - SIZE / 2 - 16
        row_bottom = y + SIZE / 2 + 44
        points += [(right, row_top), (right, row_bottom)]
    points.append((left, points[-1][1]))
    path = " ".join(f"{x:g},{y:g}" for x, y in points)
    return (
        f'<g class="app-genogram__household"><title>The household: the people who live with the child</title>'
        f'<polygon points="{path}" fill="none" stroke="{HOUSEHOLD}" stroke-width="2" stroke-dasharray="8 5"/></g>'
    )


def _lines(picture: FamilyPicture, where: dict[int, Placed]) -> list[str]:
    names = {pk: placed.person.name for pk, placed in where.items()}
    out = []
    unions: dict[frozenset, tuple[float, float]] = {}
    for tie in picture.ties:
        if tie.kind not in (FamilyTieKind.PARTNERS, FamilyTieKind.SEPARATED):
            continue
        a, b = where[tie.a_id], where[tie.b_id]
        left, right = sorted((a, b), key=lambda p: p.x)
        y = left.y if left.y == right.y else (left.y + right.y) / 2
        x1, x2 = left.x + SIZE / 2, right.x - SIZE / 2
        label = "separated" if tie.kind == FamilyTieKind.SEPARATED else "partners"
        line = f'<line x1="{x1:g}" y1="{left.y:g}" x2="{x2:g}" y2="{right.y:g}" stroke="{INK}" stroke-width="2"/>'
        if tie.kind == FamilyTieKind.SEPARATED:
            mid = (x1 + x2) / 2
            for offset in (-4, 4):
                line += (
                    f'<line x1="{mid + offset - 5:g}" y1="{y + 9:g}" x2="{mid + offset + 5:g}" y2="{y - 9:g}" '
                    f'stroke="{INK}" stroke-width="2"/>'
                )
        title = f"{names[tie.a_id]} and {names[tie.b_id]}: {label}"
        out.append(f'<g class="app-genogram__union"><title>{escape(title)}</title>{line}</g>')
        unions[frozenset((tie.a_id, tie.b_id))] = ((x1 + x2) / 2, y)
    parents: dict[int, list[int]] = defaultdict(list)
    for tie in picture.ties:
        if tie.kind == FamilyTieKind.PARENT_OF:
            parents[tie.b_id].append(tie.a_id)
    for child_id, mine in parents.items():
        child = where[child_id]
        union = unions.get(frozenset(mine[:2])) if len(mine) >= 2 else None
        sources = [union] if union is not None else [(where[p].x, where[p].y + SIZE / 2 + 40) for p in mine]
        bus = child.y - SIZE / 2 - 22
        for sx, sy in sources:
            path = f"M{sx:g},{sy:g} V{bus:g} H{child.x:g} V{child.y - SIZE / 2:g}"
            who = " and ".join(names[p] for p in mine)
            title = f"{who}: parent{'s' if len(mine) > 1 else ''} of {names[child_id]}"
            out.append(
                f'<g class="app-genogram__descent"><title>{escape(title)}</title>'
                f'<path d="{path}" fill="none" stroke="{INK}" stroke-width="2"/></g>'
            )
    for tie in picture.ties:
        if tie.kind not in (FamilyTieKind.SIBLINGS, FamilyTieKind.HALF_SIBLINGS):
            continue
        if parents.get(tie.a_id) and parents.get(tie.b_id):
            continue  # already joined through their parents
        a, b = where[tie.a_id], where[tie.b_id]
        top = min(a.y, b.y) - SIZE / 2 - 14
        dash = ' stroke-dasharray="6 4"' if tie.kind == FamilyTieKind.HALF_SIBLINGS else ""
        path = f"M{a.x:g},{a.y - SIZE / 2:g} V{top:g} H{b.x:g} V{b.y - SIZE / 2:g}"
        title = f"{names[tie.a_id]} and {names[tie.b_id]}: {tie.get_kind_display().lower()}"
        out.append(
            f'<g class="app-genogram__siblings"><title>{escape(title)}</title>'
            f'<path d="{path}" fill="none" stroke="{INK}" stroke-width="2"{dash}/></g>'
        )
    return out


def draw(picture: FamilyPicture, *, ident: str = "genogram") -> SafeString | None:
    """The genogram of the picture as an inline SVG, or None when there is nobody to draw."""
    if not picture.people:
        return None
    rows = layout(picture)
    where = {placed.person.pk: placed for row in rows for placed in row}
    shape = other_gender_symbol()
    width = MARGIN * 2 + max(len(row) for row in rows) * COLUMN
    height = MARGIN * 2 + len(rows) * ROW
    subject = picture.subject
    household = [p.name for p in picture.people if p.lives_with_child]
    title = f"Genogram of {subject.name if subject else picture.child.full_name}'s family"
    desc = (
        f"{len(picture.people)} {'person' if len(picture.people) == 1 else 'people'} over {len(rows)} "
        f"generation{'s' if len(rows) != 1 else ''}. In the household: {', '.join(household) or 'nobody recorded'}. "
        f"Squares are males, circles females, {SYMBOL_NAMES[shape]} other or not known; "
        "the child has a double outline. The table below holds the same content."
    )
    people = []
    for placed in where.values():
        people.append(
            f'<g class="app-genogram__person"><title>{escape(_describe(placed.person))}</title>'
            f"{_symbol(placed, shape)}{_label(placed)}</g>"
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-genogram__svg" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" font-family="Arial, sans-serif">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
        f"{_household(rows)}{''.join(_lines(picture, where))}{''.join(people)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - built here, every text escaped
