"""manage.py accounts_cleanup: delete what the accounts flows no longer need (run daily).

Finished or expired sign-up/reset flows and one-time codes older than a day, send
counters older than the hourly window, API tokens expired or revoked over 30 days ago.
Security events stay (they are the audit trail).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from satuklik.accounts.models import ApiToken, AuthFlow, OtpChallenge, OtpSend


class Command(BaseCommand):
    help = "Delete expired flows, one-time codes, send counters and old API tokens."

    def handle(self, *args, **options):
        now = timezone.now()
        flows, _ = AuthFlow.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
        sends, _ = OtpSend.objects.filter(sent_at__lt=now - timedelta(hours=2)).delete()
        codes, _ = OtpChallenge.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
        old = now - timedelta(days=30)
        tokens, _ = ApiToken.objects.filter(Q(expires_at__lt=old) | Q(revoked_at__lt=old)).delete()
        self.stdout.write(f"deleted: {flows} flows, {codes} codes and sends ({sends} send counters), {tokens} tokens")
