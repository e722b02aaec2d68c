from django.db import migrations


def install(apps, schema_editor):
    from exchange.clearance_defaults import install_default_recognitions

    install_default_recognitions(apps.get_model("exchange", "ClearanceRecognition"))


class Migration(migrations.Migration):
    dependencies = [("exchange", "0005_clearance_recognition")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
