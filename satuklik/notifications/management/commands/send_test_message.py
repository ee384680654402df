from django.core.management.base import BaseCommand

from satuklik.notifications import services


class Command(BaseCommand):
    help = "Send a test e-mail (or SMS with --sms) to check the delivery settings."

    def add_arguments(self, parser):
        parser.add_argument("recipient")
        parser.add_argument("--sms", action="store_true")
        parser.add_argument("--language", default="id", choices=["id", "en"])

    def handle(self, recipient, sms, language, **options):
        send = services.sms_send if sms else services.email_send
        message = send(to=recipient, template="test_message", language=language)
        message.refresh_from_db()
        self.stdout.write(f"message {message.pk}: {message.get_status_display()} {message.last_error}")
