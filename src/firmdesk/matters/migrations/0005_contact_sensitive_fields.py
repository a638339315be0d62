# Sensitive fields of a contact, encrypted in the database (issue 20).
#
# The old plain columns (date_of_birth, tax_id) are renamed aside, the
# encrypted columns added under the old names, every stored value sealed into
# them (with the master key of this server: back up the key file or
# FIRMDESK_MASTER_KEY first, docs/operations.md) and the plain columns dropped.
# Going back opens the values into plain columns again.

from django.db import migrations, models

import firmdesk.common.encrypted

# (the encrypted field, the plain column it replaces)
PAIRS = (("date_of_birth", "date_of_birth_plain"), ("tax_id", "tax_id_plain"))


def seal_existing(apps, schema_editor):
    Contact = apps.get_model("matters", "Contact")
    rows = Contact._base_manager.exclude(
        date_of_birth_plain__isnull=True, tax_id_plain=""
    )
    for contact in rows.iterator():
        contact.date_of_birth = contact.date_of_birth_plain
        contact.tax_id = contact.tax_id_plain
        contact.save(update_fields=["date_of_birth", "tax_id"])


def open_existing(apps, schema_editor):
    Contact = apps.get_model("matters", "Contact")
    for contact in Contact._base_manager.filter(
        models.Q(date_of_birth__isnull=False) | models.Q(tax_id__isnull=False)
    ).iterator():
        contact.date_of_birth_plain = contact.date_of_birth
        contact.tax_id_plain = contact.tax_id[:40]
        contact.save(update_fields=["date_of_birth_plain", "tax_id_plain"])


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0004_matter_client_consent_note"),
    ]

    operations = [
        *(
            migrations.RenameField(model_name="contact", old_name=name, new_name=plain)
            for name, plain in PAIRS
        ),
        migrations.AddField(
            model_name="contact",
            name="date_of_birth",
            field=firmdesk.common.encrypted.EncryptedDateField(
                verbose_name="date of birth"
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="tax_id",
            field=firmdesk.common.encrypted.EncryptedTextField(
                max_length=40, verbose_name="tax ID number"
            ),
        ),
        migrations.RunPython(seal_existing, open_existing, elidable=False),
        *(migrations.RemoveField(model_name="contact", name=plain) for _, plain in PAIRS),
        migrations.AddField(
            model_name="contact",
            name="tax_id_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("ssn", "Social Security number (SSN)"),
                    ("ein", "Employer Identification Number (EIN)"),
                    ("itin", "Individual Taxpayer Identification Number (ITIN)"),
                    ("other", "Other tax number"),
                ],
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="gov_id_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("drivers_license", "Driver's license"),
                    ("state_id", "State ID card"),
                    ("passport", "Passport"),
                    ("other", "Other government ID"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="gov_id_number",
            field=firmdesk.common.encrypted.EncryptedTextField(
                max_length=40, verbose_name="government ID number"
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="bank_name",
            field=firmdesk.common.encrypted.EncryptedTextField(
                max_length=100, verbose_name="bank name"
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="bank_routing",
            field=firmdesk.common.encrypted.EncryptedTextField(
                max_length=9, verbose_name="routing number"
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="bank_account",
            field=firmdesk.common.encrypted.EncryptedTextField(
                max_length=17, verbose_name="account number"
            ),
        ),
    ]
