"""Tables of the subsidies app."""

from django.db import models  # noqa: F401
