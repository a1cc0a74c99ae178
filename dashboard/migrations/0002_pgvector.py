# pgvector is part of the stack from the start: knowledge chunks and memories use vector(384).
from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_initial")]

    operations = [VectorExtension()]
