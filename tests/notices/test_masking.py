

def test_pub_01_mask_public_masks_numbers_written_against_chinese_text():
    """PUB-01: an ID number or mobile written straight after Chinese characters is still masked."""
    from ganbu.notices.services import mask_public

    text = mask_public({"note": "联系电话13812345678，身份证330102199001011234号"})["note"]
    assert "13812345678" not in text and "138****5678" in text
    assert "330102199001011234" not in text and "3301**********1234" in text
