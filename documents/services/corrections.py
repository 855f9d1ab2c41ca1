"""Writes of staff corrections: every edit kept as a Correction row, carried to a new run.

A line, block or table cell holds the correction in force (`corrected_*`) for readers and
exports; its history is the Correction rows. When a page gets a new run's results,
`carry_forward` puts each correction in force on the new result that matches it
(carry_forward.match) and lists the others as unplaced; staff re-apply or drop those.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext

from documents.carry_forward import Spot, fractions, match
from documents.errors import ApplicationError
from documents.models import Block, Correction, Line, Page, TableCell

Kind = Correction.Kind
State = Correction.State
# The engine's field and the correction's field of each kind of result.
FIELDS = {
    Kind.LINE: ("text", "corrected_text"),
    Kind.BLOCK: ("content", "corrected_content"),
    Kind.CELL: ("text", "corrected_text"),
}
MODELS: dict[type[Model], Kind] = {Line: Kind.LINE, Block: Kind.BLOCK, TableCell: Kind.CELL}


def _page(result: Model) -> Page:
    return result.table.page if isinstance(result, TableCell) else result.page  # type: ignore[attr-defined]


def _where(result: Model, page: Page) -> dict[str, Any]:
    """The Correction fields that say where `result` is on `page`."""
    size = (page.ocr_width or page.width or 1, page.ocr_height or page.height or 1)
    where: dict[str, Any] = {"angle": page.angle, "row": None, "col": None, "own_box": True}
    box = result.box  # type: ignore[attr-defined]
    if isinstance(result, TableCell):
        where |= {"row": result.row, "col": result.col}
        if not box:
            box, where["own_box"] = result.table.box, False
    where["place"] = list(fractions(box, *size))
    return where


def _engine_text(result: Model) -> str:
    return getattr(result, FIELDS[MODELS[type(result)]][0])


def _effective(result: Model) -> str:
    engine, corrected = FIELDS[MODELS[type(result)]]
    value = getattr(result, corrected)
    return getattr(result, engine) if value is None else value


def _set(result: Model, text: str | None) -> None:
    """The result's correction field: None when `text` is None or what the engine read."""
    engine, corrected = FIELDS[MODELS[type(result)]]
    setattr(result, corrected, None if text is None or text == getattr(result, engine) else text)


@transaction.atomic
def correct(result: Line | Block | TableCell, text: str | None, user: Any = None) -> Model:
    """Set the staff's text of a line, block or cell; None (or the engine's own text) removes
    the correction. A change is recorded with who made it and the text before and after."""
    kind = MODELS[type(result)]
    before = _effective(result)
    _set(result, text)
    after = _effective(result)
    if after == before:
        return result
    result.save(update_fields=[FIELDS[kind][1]])
    target = {str(kind): result}
    Correction.objects.filter(state=State.APPLIED, **target).update(state=State.HISTORY)
    page = _page(result)
    removed = after == _engine_text(result)
    Correction.objects.create(
        page=page,
        kind=kind,
        # Taking a correction back leaves nothing in force to carry to a later run.
        state=State.HISTORY if removed else State.APPLIED,
        run=page.run,
        engine_text=_engine_text(result),
        before=before,
        after=after,
        user=user if getattr(user, "is_authenticated", False) else None,
        **_where(result, page),
        **target,
    )
    return result


def _spot(where: dict[str, Any], texts: tuple[str, ...]) -> Spot:
    """A place (the Correction fields `_where` gives, or a correction's own) as a Spot."""
    slot = (where["row"], where["col"]) if where["row"] is not None else None
    return Spot(box=tuple(where["place"]), texts=texts, slot=slot, has_own_box=where["own_box"])


def carry_forward(
    page: Page, lines: Sequence[Line], blocks: Sequence[Block], cells: Sequence[TableCell]
) -> None:
    """Put the page's corrections (in force, or not placed on an earlier run) on its new
    results; the ones that match none become unplaced. Runs inside the save's transaction."""
    waiting = list(
        page.corrections.filter(state__in=[State.APPLIED, State.UNPLACED]).order_by("created_at")
    )
    if not waiting:
        return
    results: dict[Kind, Sequence[Model]] = {Kind.LINE: lines, Kind.BLOCK: blocks, Kind.CELL: cells}
    changed: dict[type[Model], list[Model]] = {Line: [], Block: [], TableCell: []}
    placed: set[int] = set()
    for kind, new in results.items():
        # Boxes of a page turned otherwise than when the correction was made do not compare.
        old = [c for c in waiting if c.kind == kind and c.angle == page.angle]
        wheres = [_where(r, page) for r in new]
        new_spots = [_spot(w, (_engine_text(r),)) for w, r in zip(wheres, new, strict=True)]
        old_spots = [_spot(vars(c), (c.engine_text, c.after)) for c in old]
        for i, j in match(old_spots, new_spots).items():
            correction, result = old[i], new[j]
            _set(result, correction.after)
            changed[type(result)].append(result)
            placed.add(correction.pk)
            correction.state = State.APPLIED
            correction.engine_text = _engine_text(result)
            setattr(correction, str(kind), result)
            for name, value in wheres[j].items():
                setattr(correction, name, value)
    for correction in waiting:
        correction.run = page.run
        if correction.pk not in placed:
            correction.state = State.UNPLACED
            correction.line = correction.block = correction.cell = None
    for model, rows in changed.items():
        if rows:
            model._default_manager.bulk_update(rows, [FIELDS[MODELS[model]][1]])
    Correction.objects.bulk_update(
        waiting,
        ["state", "engine_text", "line", "block", "cell", "place", "angle", "row", "col",
         "own_box", "run"],
    )  # fmt: skip


@transaction.atomic
def correction_drop(*, correction: Correction) -> Correction:
    """Let go of a correction that could not be placed on the new run."""
    _unplaced(correction)
    correction.state = State.DROPPED
    correction.save(update_fields=["state", "updated_at"])
    return correction


@transaction.atomic
def correction_reapply(
    *, correction: Correction, result: Line | Block | TableCell, user: Any = None
) -> Model:
    """Put an unplaced correction's text on a result of the same page chosen by staff."""
    _unplaced(correction)
    if MODELS[type(result)] != correction.kind or _page(result).pk != correction.page_id:
        raise ApplicationError(
            gettext("A %(kind)s correction goes on a %(kind)s of the same page.")
            % {"kind": correction.get_kind_display()},
            code="wrong_target",
            status=400,
        )
    correction.state = State.HISTORY
    correction.save(update_fields=["state", "updated_at"])
    return correct(result, correction.after, user)


def _unplaced(correction: Correction) -> None:
    if correction.state != State.UNPLACED:
        raise ApplicationError(
            gettext(
                "This correction is %(state)s; only one not placed on the new run can be "
                "re-applied or dropped."
            )
            % {"state": correction.get_state_display()},
            code="not_unplaced",
            status=409,
        )
