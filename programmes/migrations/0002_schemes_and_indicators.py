"""Load the curated scheme list and the indicator catalogue of FAQ Q68."""

from django.db import migrations


def load(apps, schema_editor):
    from programmes.catalogue import FAQ, INDICATORS, SCHEMES

    Scheme = apps.get_model("programmes", "Scheme")
    Indicator = apps.get_model("programmes", "Indicator")
    for slug, name, short_name, kind, owner, url, description, source in SCHEMES:
        Scheme.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short_name,
                "kind": kind,
                "owner": owner,
                "url": url,
                "description": description,
                "source": source,
            },
        )
    for position, (slug, name, level, unit, description, computed_from) in enumerate(
        INDICATORS, start=1
    ):
        Indicator.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "level": level,
                "unit": unit,
                "description": f"{description} ({FAQ}, Q68)",
                "computed_from": computed_from,
                "position": position * 10,
            },
        )


def unload(apps, schema_editor):
    from programmes.catalogue import INDICATORS, SCHEMES

    apps.get_model("programmes", "Indicator").objects.filter(
        slug__in=[row[0] for row in INDICATORS]
    ).delete()
    apps.get_model("programmes", "Scheme").objects.filter(
        slug__in=[row[0] for row in SCHEMES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_schema")]

    operations = [migrations.RunPython(load, unload)]
