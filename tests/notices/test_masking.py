

def test_pub_01_mask_public_masks_numbers_written_against_chinese_text():
    """PUB-01: an ID number or mobile written straight after Chinese characters is still masked."""
    from ganbu.notices.services import mask_public

    text = mask_public({"note": "联系电话13812345678，身份证330102199001011234号"})["note"]
    assert "13812345678" not in text and "138****5678" in text
    assert "330102199001011234" not in text and "3301**********1234" in text


def test_pub_01_numbers_typed_into_an_objection_and_its_answer_are_masked(world, policies, client, login):
    """PUB-01/PIPL (issue 17): an objection is public; an ID number or mobile typed into it is masked."""
    from django.urls import reverse

    from ganbu.notices import services
    from ganbu.notices.models import NoticeKind, Objection

    notice = services.notice_publish_with_policy(actor=world.users.office, org=world.t1,
                                                 kind=NoticeKind.POINTS_RANKING, key="mask:objection",
                                                 title="公示", content={"text": "公示"})
    idn = world.people.cadre_a.id_number
    client.post(reverse("notices:detail", args=[notice.pk]), {"text": f"我身份证 {idn}，电话13812345678，排名有误"})
    obj = Objection.objects.get()
    assert idn not in obj.text and "13812345678" not in obj.text
    assert idn[:4] + "*" * 10 + idn[-4:] in obj.text and "138****5678" in obj.text
    services.objection_answer(actor=world.users.office, objection=obj, answer="请拨打13900001111联系")
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "13900001111" not in page and "139****1111" in page and idn not in page
