"""Reads: documents a user may see, their pages and results, progress and queue position,
the runtime settings in force (the admin's row over the environment's defaults, with the
precision `auto` resolved to the one this machine runs), and the pipelines and options a run may
ask for here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .engine.pipeline import OptionState, pipeline_options
from .engine.registry import DEFAULT_TEXT_MODELS, how_to_add, installed_models, pipeline_models
from .engine.types import PIPELINES
from .engine_settings import precision_in_force
from .models import (
    Block,
    Correction,
    Document,
    Line,
    OcrRun,
    Page,
    RuntimeSettings,
    Status,
    Table,
    TableCell,
    Webhook,
)

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class RuntimeConfig:
    pipeline: str
    options: dict[str, Any] = field(default_factory=dict)
    backend: str = "openvino"
    precision: str = "f32"  # the one in force: "auto" resolved on this machine
    precision_setting: str = "f32"  # as set: auto, f32 or bf16
    text_models: str = DEFAULT_TEXT_MODELS
    pdf_dpi: int = 200
    max_page_pixels: int = 40_000_000
    max_upload_mb: int = 100
    max_pages: int = 300
    max_waiting_pages: int = 1000


def runtime_config() -> RuntimeConfig:
    """The settings in force now: each field of the admin's row where set, else the env's."""
    row = RuntimeSettings.objects.filter(pk=1).first() or RuntimeSettings()
    engine = settings.OCR_ENGINE
    backend = row.backend or engine["BACKEND"]
    precision = row.precision or engine["PRECISION"]
    return RuntimeConfig(
        pipeline=row.default_pipeline or engine["DEFAULT_PIPELINE"],
        options=dict(row.default_options or {}),
        backend=backend,
        precision=precision_in_force(backend, precision),  # what runs get recorded with
        precision_setting=precision,
        text_models=row.text_models or engine["TEXT_MODELS"],
        pdf_dpi=row.pdf_dpi or settings.PDF_DPI,
        max_page_pixels=row.max_page_pixels or settings.MAX_PAGE_PIXELS,
        max_upload_mb=row.max_upload_mb or settings.MAX_UPLOAD_MB,
        max_pages=row.max_pages or settings.MAX_PAGES,
        max_waiting_pages=row.max_waiting_pages or settings.MAX_WAITING_PAGES,
    )


def serving_user() -> AbstractBaseUser | None:
    """Who owns what anonymous PaddleX serving clients send: the admin's choice, if active;
    None refuses them."""
    row = RuntimeSettings.objects.filter(pk=1).select_related("serving_user").first()
    user = row.serving_user if row else None
    return user if user is not None and user.is_active else None


def models_installed() -> set[str]:
    """The model folders in the models folder: a directory scan, so a web process never builds
    an engine (nor imports OpenVINO) to learn what can run."""
    return installed_models(Path(settings.OCR_ENGINE["MODELS_DIR"]))


@dataclass(frozen=True)
class PipelineChoice:
    name: str
    available: bool
    missing_models: list[str]


@dataclass(frozen=True)
class OptionChoice:
    name: str
    pipelines: list[str]  # the pipelines that take it
    default: bool  # what a run gets when the request leaves it out
    available: bool
    model: str
    how_to_add: str  # the command that installs the model; empty when it is installed


@dataclass(frozen=True)
class RunChoices:
    default_pipeline: str
    pipelines: list[PipelineChoice]
    options: list[OptionChoice]


def run_choices() -> RunChoices:
    """The pipelines and flags a run may ask for on this server, driven by the engine's tables:
    each with whether its models are installed, and the defaults a run gets (the admin's runtime
    settings over the engine's own)."""
    installed = models_installed()
    # The admin's row as runtime_config() reads it, without the rest of runtime_config(): its
    # precision check starts OpenVINO in a child process, seconds on a process's first call.
    row = RuntimeSettings.objects.filter(pk=1).first() or RuntimeSettings()
    configured = row.default_pipeline or settings.OCR_ENGINE["DEFAULT_PIPELINE"]
    text_models = row.text_models or settings.OCR_ENGINE["TEXT_MODELS"]
    pipelines = [_pipeline_choice(name, installed, text_models) for name in PIPELINES]
    return RunChoices(
        default_pipeline=_default_pipeline(configured, pipelines),
        pipelines=pipelines,
        options=_option_choices(installed, dict(row.default_options or {})),
    )


def _pipeline_choice(name: str, installed: set[str], text_models: str) -> PipelineChoice:
    missing = [m for m in pipeline_models(name, text_models) if m not in installed]
    return PipelineChoice(name, available=not missing, missing_models=missing)


def _default_pipeline(configured: str, pipelines: list[PipelineChoice]) -> str:
    """The configured pipeline if it can run, else the first that can (a default nobody can use
    would refuse every upload); the configured one when none can run."""
    available = [p.name for p in pipelines if p.available]
    return configured if configured in available or not available else available[0]


def _option_choices(installed: set[str], configured: dict[str, Any]) -> list[OptionChoice]:
    """Each flag once, with the pipelines that take it."""
    takes: dict[str, list[str]] = {}
    states: dict[str, OptionState] = {}
    for pipeline in PIPELINES:
        for state in pipeline_options(pipeline, installed):
            takes.setdefault(state.name, []).append(pipeline)
            states[state.name] = state
    return [
        OptionChoice(
            name=name,
            pipelines=takes[name],
            # A flag whose model is missing cannot be on: the engine turns its own default off
            # and refuses a request for it.
            default=state.installed and bool(configured.get(name, state.default)),
            available=state.installed,
            model=state.model,
            how_to_add="" if state.installed else how_to_add(state.model),
        )
        for name, state in states.items()
    ]


def sees_everything(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def document_visible(*, user: User) -> QuerySet[Document]:
    """Documents `user` may read and change: their own; admins (staff, superusers) see all.
    A file in flight through the /ocr endpoint is nobody's to see."""
    documents = Document.objects.filter(ephemeral=False).select_related("owner")
    if sees_everything(user):
        return documents
    if not user.is_authenticated:
        return documents.none()
    return documents.filter(owner=user)


def document_list(
    *,
    user: User,
    status: str | None = None,
    owner: str | None = None,
    created_after: dt.datetime | dt.date | None = None,
    created_before: dt.datetime | dt.date | None = None,
    reviewed: bool | None = None,
    search: str | None = None,
) -> QuerySet[Document]:
    documents = document_visible(user=user)
    if status:
        documents = documents.filter(status=status)
    if owner:
        by_id = Q(owner__pk=int(owner)) if owner.isdigit() else Q()
        documents = documents.filter(Q(owner__username=owner) | by_id)
    if created_after:
        documents = documents.filter(**_date_filter("gte", created_after))
    if created_before:
        documents = documents.filter(**_date_filter("lte", created_before))
    if reviewed is not None:
        documents = documents.filter(reviewed=reviewed)
    if search:
        documents = documents.filter(_text_match(search.strip()))
    return documents.prefetch_related(_current_run_prefetch())


def _date_filter(op: str, value: dt.datetime | dt.date) -> dict[str, Any]:
    if isinstance(value, dt.datetime):
        return {f"created_at__{op}": value}
    return {f"created_at__date__{op}": value}


def _text_match(term: str) -> Q:
    """Documents whose name, or any recognised or corrected text, contains `term`.

    Case-insensitive containment works for every script (Chinese has no word spaces to index
    by) on SQLite and PostgreSQL alike.
    """
    in_lines = Line.objects.filter(
        Q(text__icontains=term) | Q(corrected_text__icontains=term),
        page__document=OuterRef("pk"),
    )
    in_blocks = Block.objects.filter(
        Q(content__icontains=term) | Q(corrected_content__icontains=term),
        page__document=OuterRef("pk"),
    )
    in_cells = TableCell.objects.filter(
        Q(text__icontains=term) | Q(corrected_text__icontains=term),
        table__page__document=OuterRef("pk"),
    )
    return Q(name__icontains=term) | Exists(in_lines) | Exists(in_blocks) | Exists(in_cells)


def _current_run_prefetch() -> Prefetch:
    return Prefetch("runs", queryset=OcrRun.objects.order_by("-queued_at", "-id"))


def document_get(*, user: User, pk: int) -> Document:
    """One visible document with its runs and pages; raises Document.DoesNotExist."""
    return (
        document_visible(user=user)
        .prefetch_related(
            _current_run_prefetch(), Prefetch("pages", Page.objects.order_by("number"))
        )
        .get(pk=pk)
    )


def current_run(document: Document) -> OcrRun | None:
    """The latest run (prefetched by the selectors above)."""
    runs = list(document.runs.all())
    return max(runs, key=lambda r: (r.queued_at, r.pk)) if runs else None


def queue_positions(runs: Iterable[OcrRun]) -> dict[int, int]:
    """For each of `runs` waiting in the queue, its place: 1 for the next run to start, counting
    the runs still waiting that were queued before it. One query for a whole list (the list is
    polled every 2 seconds)."""
    waiting = [run.pk for run in runs if run.status == Status.QUEUED]
    if not waiting:
        return {}
    ahead = (
        OcrRun.objects.filter(status=Status.QUEUED)
        .filter(
            Q(queued_at__lt=OuterRef("queued_at"))
            | Q(queued_at=OuterRef("queued_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counted = OcrRun.objects.filter(pk__in=waiting).annotate(ahead=Coalesce(Subquery(ahead), 0))
    return {pk: n + 1 for pk, n in counted.values_list("pk", "ahead")}


def page_get(*, user: User, document_pk: int, number: int) -> Page:
    """A page of a visible document with its results; raises Page.DoesNotExist."""
    return (
        Page.objects.filter(document__in=document_visible(user=user))
        .select_related("document")
        .prefetch_related(
            Prefetch("blocks", Block.objects.order_by("order")),
            Prefetch("lines", Line.objects.order_by("order")),
            Prefetch("tables", Table.objects.order_by("order").prefetch_related("cells")),
            Prefetch("corrections", Correction.objects.select_related("user", "run")),
        )
        .get(document_id=document_pk, number=number)
    )


def line_visible(*, user: User) -> QuerySet[Line]:
    return Line.objects.filter(page__document__in=document_visible(user=user))


def block_visible(*, user: User) -> QuerySet[Block]:
    return Block.objects.filter(page__document__in=document_visible(user=user))


def table_cell_visible(*, user: User) -> QuerySet[TableCell]:
    return TableCell.objects.filter(table__page__document__in=document_visible(user=user))


def correction_visible(*, user: User) -> QuerySet[Correction]:
    return Correction.objects.filter(page__document__in=document_visible(user=user))


def pages_waiting(*, user: User) -> int:
    return Page.objects.filter(document__owner=user, status=Status.QUEUED).count()


def claim_expiry(now: dt.datetime) -> dt.datetime:
    """A page claimed before this has outlived its task timeout: its worker is dead."""
    return now - dt.timedelta(seconds=settings.TASK_TIMEOUT)


def claimable_pages(now: dt.datetime) -> QuerySet[Page]:
    """Pages a worker may take: waiting, or running past the task timeout."""
    return Page.objects.filter(
        Q(status=Status.QUEUED) | Q(status=Status.RUNNING, claimed_at__lt=claim_expiry(now))
    )


def next_page() -> Page | None:
    """The page a free worker reads next: the queue's turn order.

    Pages a request waits on (/ocr) come first. Then the turn goes to the user with the fewest
    pages being read now and, among equals, to the one served longest ago, so one user's
    300-page batch does not hold back another user's single page; each user's own pages go
    oldest first. A page whose worker died (running past the task timeout) waits like the rest.
    """
    now = timezone.now()
    waiting = claimable_pages(now)
    owners = list(
        waiting.values("document__owner").annotate(
            urgent=Count("id", filter=Q(run__priority=True)), oldest=Min("enqueued_at")
        )
    )
    if not owners:
        return None
    ids = [o["document__owner"] for o in owners]
    reading = dict(
        Page.objects.filter(
            status=Status.RUNNING, claimed_at__gte=claim_expiry(now), document__owner__in=ids
        )
        .values("document__owner")
        .annotate(n=Count("id"))
        .values_list("document__owner", "n")
    )
    # Turns over the last day are enough to share the queue out; older ones would cost a scan.
    served = dict(
        Page.objects.filter(claimed_at__gte=now - dt.timedelta(days=1), document__owner__in=ids)
        .values("document__owner")
        .annotate(last=Max("claimed_at"))
        .values_list("document__owner", "last")
    )
    never = now - dt.timedelta(days=2)
    turn = min(
        owners,
        key=lambda o: (
            o["urgent"] == 0,
            reading.get(o["document__owner"], 0),
            served.get(o["document__owner"], never),
            o["oldest"] or now,
        ),
    )
    return (
        waiting.filter(document__owner=turn["document__owner"])
        .order_by("-run__priority", "enqueued_at", "document_id", "number")
        .first()
    )


def webhook_own(*, user: User) -> QuerySet[Webhook]:
    """The webhooks `user` registered (an intake folder's are the admin's to see)."""
    if not user.is_authenticated:
        return Webhook.objects.none()
    return Webhook.objects.filter(owner=user)
