# Semantic red flags: each pattern keeps its regex and gains example phrasings. The
# built-ins get theirs from mlops/red_flags.yaml after migrating (risk.sync_builtin_red_flags).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conversations', '0014_workspace_moved_to_core'),
    ]

    operations = [
        migrations.AddField(
            model_name='redflagpattern',
            name='examples',
            field=models.JSONField(blank=True, default=list, help_text='Other phrasings of the same red flag (a list of strings); a message close in meaning to one of them matches too'),
        ),
    ]
