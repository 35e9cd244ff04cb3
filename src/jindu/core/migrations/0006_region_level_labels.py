
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_member_unit_traffic_police_roles'),
    ]

    operations = [
        migrations.AlterField(
            model_name='region',
            name='level',
            field=models.CharField(choices=[('region', 'autonomous region'), ('prefecture', 'prefecture'), ('county', 'county')], max_length=16, verbose_name='level'),
        ),
    ]
