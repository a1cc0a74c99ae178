# When each conversation first entered each state it visited, for conversations stored
# before visited_at existed: the entry state at creation, then the earliest turn or override
# that moved it there. One statement: a workspace may hold 100k conversations.
from django.db import migrations

BACKFILL = """
WITH entries AS (
    SELECT c.id AS conversation_id, p.definition->>'entry' AS state, c.created_at AS at
      FROM conversations_conversation AS c
      JOIN conversations_playbook AS p ON p.id = c.playbook_id
    UNION ALL
    SELECT conversation_id, state_after, created_at FROM conversations_turn
    UNION ALL
    SELECT conversation_id, to_state, created_at FROM conversations_phaseoverride
), firsts AS (
    SELECT conversation_id, state, MIN(at) AS at
      FROM entries WHERE state IS NOT NULL AND state <> '' GROUP BY conversation_id, state
)
UPDATE conversations_conversation AS c
   SET visited_at = f.visited
  FROM (
    SELECT conversation_id,
           jsonb_object_agg(
               state, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
           ) AS visited
      FROM firsts GROUP BY conversation_id
  ) AS f
 WHERE f.conversation_id = c.id AND c.visited_at = '{}'::jsonb
"""


class Migration(migrations.Migration):
    dependencies = [("conversations", "0011_conversation_visited_at")]

    operations = [migrations.RunSQL(BACKFILL, migrations.RunSQL.noop)]
