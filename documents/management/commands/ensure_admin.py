"""Make sure an administrator exists: from OCRSITE_ADMIN_USER / OCRSITE_ADMIN_PASSWORD, or with a
printed one-time password on a fresh install. Never changes an existing account."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the first administrator if there is none."

    def handle(self, *args, **options):
        users = get_user_model()
        username = os.environ.get("OCRSITE_ADMIN_USER", "admin")
        if users.objects.filter(username=username).exists() or (
            "OCRSITE_ADMIN_USER" not in os.environ
            and users.objects.filter(is_superuser=True).exists()
        ):
            self.stdout.write("administrator: already set up")
            return
        password = os.environ.get("OCRSITE_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        users.objects.create_superuser(
            username, os.environ.get("OCRSITE_ADMIN_EMAIL", ""), password
        )
        if "OCRSITE_ADMIN_PASSWORD" in os.environ:
            self.stdout.write(f"administrator {username!r} created from the environment")
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"administrator {username!r} created with the one-time password: {password}\n"
                    "  sign in at /admin/ and change it (it is not shown again)"
                )
            )
