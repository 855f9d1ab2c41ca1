"""django-q2 tasks. A message carries a page id and its token, nothing else, and reads one
page: the one the queue's turn order gives it (worker.page_claim_next), usually another
user's when one user has many waiting. The worker reads the rest from the database, so a
message that comes twice, or too late, changes nothing.

Each worker process keeps one engine, built and warmed when the worker starts (`post_spawn`).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from django.dispatch import receiver
from django_q.signals import post_spawn
from PIL import Image

from . import queue, sync_ocr, worker
from .engine import Engine
from .engine.errors import EngineError
from .engine.pages import RenderedPage
from .engine.types import PageResult
from .engine_settings import configured_engine
from .models import OcrRun, Page, Status
from .selectors import RuntimeConfig, runtime_config

logger = logging.getLogger(__name__)


def ocr_page(page_id: int, token: str) -> str:
    """Read one page: claim the next in turn, render its image, OCR it, save its results."""
    page = worker.page_claim_next(message=worker.message_key(page_id, token))
    if page is None:
        return "skipped: no page is waiting"
    page_id, token = page.pk, str(page.token)
    try:
        result, timings = _read(page)
    except EngineError as e:
        worker.page_fail(page_id=page_id, token=token, reason=str(e))
        return f"failed: {e}"
    except Exception as e:
        # The reason is shown to users: the exception's text stays in the worker's log.
        logger.exception("page %s: unexpected error", page_id)
        worker.page_fail(
            page_id=page_id,
            token=token,
            reason="an internal error stopped the OCR of this page (the worker's log has it)",
        )
        return f"failed: {type(e).__name__}: {e}"
    started = time.perf_counter()
    engine = _engine(page.run)
    engine_info = page.run.engine_info or engine.info()  # asked once per run
    saved = worker.page_result_save(
        page=page, result=result, engine_info=engine_info, timings=timings
    )
    logger.info(
        "page %s: %s, engine %.2fs, render %.2fs, save %.3fs",
        page_id,
        "saved" if saved else "discarded (cancelled or replaced)",
        result.timings.get("total", 0.0),
        timings["render"],
        time.perf_counter() - started,
    )
    return "done" if saved else "discarded: cancelled or replaced while reading"


def _read(page: Page) -> tuple[PageResult, dict[str, float]]:
    """The page's image through the engine, with the time spent rendering it."""
    config = runtime_config()
    started = time.perf_counter()
    rendered = worker.page_image_render(page=page, config=config)
    timings = {"render": time.perf_counter() - started}
    engine = _engine(page.run)
    run = partial(
        engine.run,
        rendered.image,
        pipeline=page.run.pipeline,
        options=page.run.options,
        max_pixels=config.max_page_pixels,
    )
    if page.image:
        result = run()
    else:
        with ThreadPoolExecutor(max_workers=1) as writer:
            # The PNG is written while the engine reads the page (zlib works outside the GIL);
            # it is recorded even when the engine fails, so the page can be looked at.
            written = writer.submit(worker.page_image_write, page=page, rendered=rendered)
            try:
                result = run()
            finally:
                # When the engine failed too, its error is the page's reason: the write's is
                # raised only after a read that succeeded.
                write_error = written.exception()
                if write_error is None:
                    worker.page_image_record(page=page, rendered=rendered, name=written.result())
            if write_error is not None:
                raise write_error
    _show_the_page_read(page, rendered, result)
    return result, timings


def _show_the_page_read(page: Page, rendered: RenderedPage, result: PageResult) -> None:
    """The boxes refer to the flattened page where the engine flattened it: store that as the
    page image, and the rendered one again when a later run did not flatten it."""
    if result.flattened is not None:
        rendered = dataclasses.replace(rendered, image=Image.fromarray(result.flattened))
    elif not page.flattened:
        return
    name = worker.page_image_write(page=page, rendered=rendered)
    worker.page_image_record(
        page=page, rendered=rendered, name=name, flattened=result.flattened is not None
    )


def ocr_page_finished(task: Any) -> None:
    """django-q2 hook: a page task that died without returning (the task timeout stopped it)
    fails its page with the reason, so the document does not wait forever."""
    if task.success:
        return
    reason = str(task.result or "").splitlines()[0] if task.result else "the task failed"
    message = worker.message_key(*task.args)
    for page in Page.objects.filter(claimed_with=message, status=Status.RUNNING):
        worker.page_fail(
            page_id=page.pk, token=str(page.token), reason=f"the worker stopped: {reason}"
        )


def recover_stalled() -> int:
    """Scheduled every minute (see the migration that creates the schedule)."""
    sync_ocr.leftovers_delete()
    return queue.pages_recover_stalled()


def _engine(run: OcrRun | RuntimeConfig) -> Engine:
    """The engine a run reads with (or new runs will): its backend, precision and text models."""
    return configured_engine(
        backend=run.backend, precision=run.precision, text_models=run.text_models
    )


@receiver(post_spawn)
def warm_engine(sender: Any, proc_name: str, **kwargs: Any) -> None:
    """Load the default pipeline's models once per worker, before its first page."""
    config = runtime_config()
    started = time.perf_counter()
    try:
        _engine(config).warm((config.pipeline,))
    except Exception:
        # The first page will report the same problem as its failure reason.
        logger.exception("%s: could not warm the OCR engine", proc_name)
        return
    logger.info("%s: OCR engine ready in %.1fs", proc_name, time.perf_counter() - started)
