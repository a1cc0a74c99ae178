# Fill the funnel rollup for conversations stored before it existed: the entry state and
# every state their turns and overrides moved them to.
from django.db import migrations


def backfill(apps, schema_editor):
    Conversation = apps.get_model("conversations", "Conversation")
    Turn = apps.get_model("conversations", "Turn")
    PhaseOverride = apps.get_model("conversations", "PhaseOverride")
    visited = {}
    for pk, entry in Conversation.objects.values_list("pk", "playbook__definition__entry"):
        visited[pk] = {entry}
    for pk, state in Turn.objects.values_list("conversation_id", "state_after"):
        visited.setdefault(pk, set()).add(state)
    for pk, state in PhaseOverride.objects.values_list("conversation_id", "to_state"):
        visited.setdefault(pk, set()).add(state)
    for pk, states in visited.items():
        Conversation.objects.filter(pk=pk).update(visited_states=sorted(s for s in states if s))


class Migration(migrations.Migration):
    dependencies = [("conversations", "0006_conversation_visited_states_and_more")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
