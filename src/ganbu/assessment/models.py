"""Tables of the assessment app."""

from django.db import models  # noqa: F401
