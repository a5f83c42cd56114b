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


def test_recusal_actor_without_person_and_subject_without_id():
    """An anonymous or system actor (no person attribute) is never a subject; a subject without a
    primary key matches nobody; the refusal carries its Chinese message for the page."""
    assert not is_subject(SimpleNamespace(), SimpleNamespace(pk=1))
    assert not is_subject(SimpleNamespace(person_id=1), object())
    with pytest.raises(RecusalError) as caught:
        ensure_not_subject(SimpleNamespace(person_id=3), 3, message="本人回避")
    assert caught.value.message == "本人回避"
