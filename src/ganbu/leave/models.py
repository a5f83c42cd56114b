"""Tables of the leave app."""

from django.db import models  # noqa: F401
