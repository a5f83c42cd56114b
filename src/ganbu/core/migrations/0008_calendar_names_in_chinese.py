"""Holiday names the library seeded in English become Chinese (issue 10, bug 12)."""

from django.db import migrations

HOLIDAY_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def names_in_chinese(apps, schema_editor):
    day = apps.get_model("core", "CalendarDay")
    for en, zh in HOLIDAY_ZH.items():
        day.objects.filter(name=en).update(name=zh)
        day.objects.filter(name=f"{en}调休").update(name=f"{zh}调休")
    apps.get_model("core", "CalendarYear").objects.filter(source__startswith="chinesecalendar").update(
        source="国务院办公厅节假日安排通知")


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_seq_unique_sealed_only")]
    operations = [migrations.RunPython(names_in_chinese, migrations.RunPython.noop)]
