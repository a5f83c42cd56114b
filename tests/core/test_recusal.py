"""Recusal: the one check every decision calls (DESIGN "Decisions and who may take them")."""

from types import SimpleNamespace

import pytest

from ganbu.core.recusal import RecusalError, ensure_not_subject, is_subject


def test_recusal_actor_is_never_the_subject():
    """The actor whose person is the subject is refused; another actor and a system account are not."""
    me, other = SimpleNamespace(pk=7), SimpleNamespace(pk=8)
    actor = SimpleNamespace(person_id=7)
    assert is_subject(actor, me) and is_subject(actor, 7) and is_subject(actor, [other, me])
    assert not is_subject(actor, other) and not is_subject(SimpleNamespace(person_id=None), me)
    with pytest.raises(RecusalError, match="回避"):
        ensure_not_subject(actor, [other, me])
    ensure_not_subject(actor, other)
