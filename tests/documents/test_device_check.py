"""The OpenVINO device check (engine_settings.openvino_report) is asked in a child process once
per process; a failed check is not kept for the life of the process."""

from __future__ import annotations

from documents import engine_settings

SETTING = ("openvino", "auto", "CPU")


def test_a_failed_check_is_kept_for_a_while_then_asked_again(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_settings, "_reports", {})
    real_base_dir = settings.BASE_DIR
    settings.BASE_DIR = tmp_path  # a real failure: the child cannot import the project there

    failed = engine_settings.openvino_report(*SETTING)
    assert failed["devices"] is None
    assert "the OpenVINO device check failed" in failed["error"]

    settings.BASE_DIR = real_base_dir
    assert engine_settings.openvino_report(*SETTING) == failed  # not asked again at once

    monkeypatch.setattr(engine_settings, "RETRY_FAILED_CHECK_S", 0.0)
    answered = engine_settings.openvino_report(*SETTING)
    assert answered["error"] is None
    assert "CPU" in answered["devices"]
    assert answered["precision"] in ("f32", "bf16")


def test_an_answer_is_kept(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_settings, "_reports", {})
    monkeypatch.setattr(engine_settings, "RETRY_FAILED_CHECK_S", 0.0)
    answered = engine_settings.openvino_report(*SETTING)
    settings.BASE_DIR = tmp_path  # a check asked now would fail
    assert engine_settings.openvino_report(*SETTING) == answered
