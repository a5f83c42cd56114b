"""Tables of the stationing app."""

from django.db import models  # noqa: F401
