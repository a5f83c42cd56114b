"""Uploaded roster files go to a temporary media folder, not var/media."""

import pytest


@pytest.fixture(autouse=True)
def _media_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
