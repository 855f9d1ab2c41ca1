# Lines saved before 0012 get their block (a migration of its own: on PostgreSQL the new foreign
# key's constraint is created at the end of its migration, which rows updated in it would block).

from django.db import migrations


def _holds(box, line_box):
    """The rule of documents/geometry.py as it was when this migration was written."""
    x, y = (line_box[0] + line_box[2]) / 2, (line_box[1] + line_box[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def assign_blocks(apps, schema_editor):
    """Lines saved before this migration: each to the first block in reading order holding the
    centre of its box, as the review screen and the exports worked it out until now."""
    Block = apps.get_model("documents", "Block")
    Line = apps.get_model("documents", "Line")
    page_ids = Block.objects.values_list("page_id", flat=True).distinct().iterator()
    for page_id in page_ids:
        blocks = list(Block.objects.filter(page_id=page_id).order_by("order", "pk"))
        lines = list(Line.objects.filter(page_id=page_id))
        for line in lines:
            line.block_id = next((b.pk for b in blocks if _holds(b.box, line.box)), None)
        Line.objects.bulk_update(lines, ["block"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0012_line_block'),
    ]

    operations = [
        migrations.RunPython(assign_blocks, migrations.RunPython.noop),
    ]
