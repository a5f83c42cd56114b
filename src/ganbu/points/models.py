"""Tables of the points app."""

from django.db import models  # noqa: F401
