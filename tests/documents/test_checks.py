"""The system check: a worker or web server configured for an OpenVINO device that is not there
refuses to start, naming the devices that are."""

import os
import signal
import subprocess
import sys

import openvino as ov
import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tests.conftest import ROOT

AVAILABLE = ov.Core().available_devices

pytestmark = pytest.mark.skipif(
    any(name.startswith("GPU") for name in AVAILABLE), reason="this machine has a GPU"
)


def test_the_check_refuses_a_missing_device(settings):
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "DEVICE": "GPU"}
    with pytest.raises(SystemCheckError) as error:
        call_command("check")
    message = str(error.value)
    assert "documents.E001" in message and "device GPU is not available" in message
    assert all(name in message for name in AVAILABLE), message


def test_the_check_passes_the_devices_present(settings):
    for device in [*AVAILABLE, "AUTO"]:
        settings.OCR_ENGINE = {**settings.OCR_ENGINE, "DEVICE": device}
        call_command("check")


def test_qcluster_does_not_start_on_a_missing_device():
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env={**os.environ, "OCRSITE_DEVICE": "gpu"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # if it did start, its workers are stopped with it
    )
    try:
        _, stderr = worker.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.communicate()
        pytest.fail("the qcluster started with a device that is not there")
    assert worker.returncode != 0
    assert "documents.E001" in stderr and "device GPU is not available" in stderr
    assert all(name in stderr for name in AVAILABLE), stderr
