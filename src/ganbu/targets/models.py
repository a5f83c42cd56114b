"""Tables of the targets app."""

from django.db import models  # noqa: F401
