"""Tables of the attendance app."""

from django.db import models  # noqa: F401
