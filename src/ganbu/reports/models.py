"""Tables of the reports app."""

from django.db import models  # noqa: F401
