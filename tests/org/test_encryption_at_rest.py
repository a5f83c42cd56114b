"""Personal data at rest (issue 17, PIPL; SM4): identity numbers and private phones are stored
encrypted with a blind index; callers still read plaintext; lookups, uniqueness, tamper refusal,
key rotation in batches, and masked or full exports by role."""

from __future__ import annotations

import io
import secrets
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from ganbu.core import crypto, keys
from ganbu.core.idnumber import make_id_number
from ganbu.org.models import Person

pytestmark = pytest.mark.django_db


def _raw(person: Person) -> tuple[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM org_person WHERE id = %s", [person.pk])
        return cur.fetchone()


def test_id_number_and_phone_are_encrypted_in_the_database(world):
    p = world.people.cadre_a
    raw_id, raw_phone = _raw(p)
    assert p.id_number not in raw_id and p.phone not in raw_phone
    assert crypto.is_sealed(raw_id) and crypto.is_sealed(raw_phone)
    again = Person.objects.get(pk=p.pk)
    assert (again.id_number, again.phone) == (p.id_number, p.phone)  # callers read plaintext


def test_same_number_encrypts_differently_each_time_random_iv():
    assert crypto.encrypt("330521199001011234") != crypto.encrypt("330521199001011234")


def test_lookups_and_uniqueness_use_the_blind_index(world):
    p = world.people.cadre_a
    assert Person.objects.get(id_number=p.id_number) == p
    assert Person.objects.get(id_number=p.id_number.lower()) == p  # normalised: x and X are one number
    assert list(Person.objects.filter(id_number__in=[p.id_number, "nope"])) == [p]
    clone = Person(name="重复", gender="M", id_number=p.id_number, org=world.village_a, org_path=world.village_a.path,
                   birth_date=date(1980, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_an_edited_ciphertext_is_refused_not_decrypted():
    stored = crypto.seal("13812345678")
    index, token = stored.split("$", 1)
    kid, b64 = token.split(":", 1)
    forged = f"{index}${kid}:{b64[:-8]}AAAAAAA="
    with pytest.raises(crypto.DecryptError):
        crypto.unseal(forged)


def test_data_key_rotation_re_encrypts_in_batches_with_progress(world, monkeypatch, tmp_path):
    old_kid, old_key = keys.current(keys.DATA)
    p = world.people.cadre_a
    key_file = tmp_path / "data.key"
    key_file.write_text(f"k2:{secrets.token_hex(32)}\n{old_kid}:{old_key.hex()}\n")
    monkeypatch.setenv("GANBU_DATA_KEY_FILE", str(key_file))
    keys.reset()
    try:
        out = io.StringIO()
        call_command("rotate_data_key", "--batch", "5", stdout=out)
        total = Person.objects.count()
        assert f"已重新加密 {total} / {total}" in out.getvalue() and "已重新加密 5 /" in out.getvalue()
        assert _raw(p)[0].split("$", 1)[1].startswith("k2:")
        assert Person.objects.get(id_number=p.id_number).phone == p.phone
    finally:
        monkeypatch.delenv("GANBU_DATA_KEY_FILE")
        keys.reset()


def test_exports_show_full_numbers_only_to_roles_that_see_them(world, client):
    from ganbu.org.queries import person_private

    p = world.people.cadre_a
    full = person_private(world.users.county_org, p)
    masked = person_private(world.users.outsider, p)
    assert full["id_number"] == p.id_number
    assert masked["id_number"] != p.id_number and masked["id_number"].startswith(p.id_number[:4])


def test_a_new_person_created_by_the_service_is_sealed(world):
    from ganbu.org.services import person_create

    idn = make_id_number("330521", date(1991, 3, 4), 777, True)
    person = person_create(actor=None, org=world.village_a, name="新人", gender="M", birth_date=date(1991, 3, 4),
                           id_number=idn, phone="13700001111", category="village_elected")
    assert idn not in _raw(person)[0] and Person.objects.get(id_number=idn) == person


def test_sm4_matches_the_reference_implementation_gmssl():
    """OpenSSL's SM4 (fast path) and gmssl give the same bytes, so either can read the other's data."""
    from gmssl.sm4 import SM4_ENCRYPT, CryptSM4

    key, iv = bytes(range(16)), bytes(range(16, 32))
    ref = CryptSM4()
    ref.set_key(key, SM4_ENCRYPT)
    assert crypto._sm4_cbc(key, iv, b"330521199001011234", encrypt=True) == ref.crypt_cbc(iv, b"330521199001011234")
    assert crypto._sm4_cbc(key, iv, ref.crypt_cbc(iv, b"x"), encrypt=False) == b"x"
