"""The tallies' triggers (reports/models.py) and the reports' indexes (progress.models.Enrolment.Meta.indexes)
are in the migrations exactly as declared: a change to their SQL without its migration fails here (and in
CI's `makemigrations --check`), on any database."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db  # makemigrations checks the history applied to the database
def test_the_migrations_match_the_declarations():
    call_command("makemigrations", "reports", "progress", check=True, dry_run=True, stdout=io.StringIO())
