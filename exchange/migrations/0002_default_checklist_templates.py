from django.db import migrations


def install(apps, schema_editor):
    from exchange.checklist_defaults import install_default_templates

    install_default_templates(
        apps.get_model("exchange", "ChecklistTemplate"),
        apps.get_model("exchange", "ChecklistTemplateItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
