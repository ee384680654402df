"""manage.py staff_totp_setup <username>: give a staff member a TOTP device for the admin.

Prints the otpauth:// URI (paste it into an authenticator app or a QR generator) and
the base32 secret. --demo uses the published demo secret (demo mode only); --code
prints the current 6-digit code of the user's device (demo mode only).
"""

import time
from base64 import b32encode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuklik.accounts.selectors import user_by_login_name

# RFC 6238's test key "12345678901234567890": base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
# Published in docs/accounts.md for the demo; never accepted outside demo mode.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_DEVICE_NAME = "demo authenticator"


def demo_device_for(user) -> TOTPDevice:
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
    )
    return device


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


class Command(BaseCommand):
    help = "Create a TOTP device for a staff user and print its otpauth:// URI and secret."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="device name (default: authenticator)")
        parser.add_argument("--replace", action="store_true", help="delete the user's other TOTP devices first")
        parser.add_argument("--demo", action="store_true", help="use the published demo secret (demo mode only)")
        parser.add_argument("--code", action="store_true", help="print the current code instead (demo mode only)")

    def handle(self, *args, username, name, replace, demo, code, **options):
        user = user_by_login_name(name=username)
        if user is None or not user.is_staff:
            raise CommandError(f"no staff user named {username!r}")
        if (demo or code) and not settings.DEMO_MODE:
            raise CommandError("--demo and --code work in demo mode only")
        if code:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
            if device is None:
                raise CommandError(f"{username} has no TOTP device")
            self.stdout.write(current_code(device))
            return
        if replace:
            TOTPDevice.objects.filter(user=user).delete()
        if demo:
            device = demo_device_for(user)
        else:
            device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write(f"TOTP device {device.name!r} for {user.username}")
        self.stdout.write(f"secret (base32): {b32encode(device.bin_key).decode()}")
        self.stdout.write(f"otpauth URI: {device.config_url}")
