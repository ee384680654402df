"""Login lockout and attempt limits, counted in the cache (Redis in production: shared by
every app server).

Login (see docs/accounts.md):
- per username + IP: LOCK_AFTER (5) failures within a LOCK_WINDOW (15 min) window lock
  that pair for LOCK_SECONDS (15 min). An attacker elsewhere cannot lock the victim out:
  the victim's own IP has its own counter.
- per username across all IPs: after SLOW_AFTER (20) failures in an hour, attempts for
  that username are spaced SLOW_SPACING_SECONDS (10 s) apart - a delay, never a lock -
  except from a browser that signed in to that username before (a signed device cookie).
- a success resets both counters.

Expiry is kept in the values (time.time()), not only in cache TTLs, so the rules are the
same on every cache backend and under a test's moved clock.
"""

import time

from django.core.cache import cache

from satuklik.accounts.security import digest

LOCK_AFTER = 5
LOCK_WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
SLOW_AFTER = 20
SLOW_WINDOW_SECONDS = 60 * 60
SLOW_SPACING_SECONDS = 10

# Registration and linking guesses (wrong date of birth, numbers...): per client IP and
# per person named (registration_person), never per policy: a Group policy number is
# printed on every employee's card, and a limit on it would let anyone block them all.
REGISTER_MAX_MISMATCHES = 10
REGISTER_WINDOW_SECONDS = 60 * 60


def _window(seconds: int) -> int:
    return int(time.time() // seconds)


def _count_key(kind: str, ident: str, window_seconds: int) -> str:
    return f"acct:{kind}:{ident}:{_window(window_seconds)}"


def _incr(key: str, ttl: int) -> int:
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, ttl)
        return 1


def _until_left(key: str) -> int:
    until = cache.get(key)
    if until is None:
        return 0
    left = float(until) - time.time()
    return int(left + 0.999) if left > 0 else 0


def _pair(username: str, ip: str | None) -> str:
    return digest(f"{username}|{ip or '-'}")


# --- login --------------------------------------------------------------------------


def login_locked_for(username: str, ip: str | None) -> int:
    """Seconds until this username+IP pair may try again (0: not locked)."""
    return _until_left(f"acct:lock:{_pair(username, ip)}")


def login_spacing_for(username: str, trusted_device: bool) -> int:
    """Seconds to wait before the next try of this username (0: go ahead); claims the slot."""
    if trusted_device:
        return 0
    failures = cache.get(_count_key("ufail", digest(username), SLOW_WINDOW_SECONDS)) or 0
    if failures < SLOW_AFTER:
        return 0
    key = f"acct:space:{digest(username)}"
    left = _until_left(key)
    if left:
        return left
    cache.set(key, time.time() + SLOW_SPACING_SECONDS, SLOW_SPACING_SECONDS + 5)
    return 0


def login_failure(username: str, ip: str | None) -> bool:
    """Count a failure; True when it locks the pair."""
    _incr(_count_key("ufail", digest(username), SLOW_WINDOW_SECONDS), SLOW_WINDOW_SECONDS + 60)
    failures = _incr(_count_key("pfail", _pair(username, ip), LOCK_WINDOW_SECONDS), LOCK_WINDOW_SECONDS + 60)
    if failures >= LOCK_AFTER:
        cache.set(f"acct:lock:{_pair(username, ip)}", time.time() + LOCK_SECONDS, LOCK_SECONDS + 60)
        cache.delete(_count_key("pfail", _pair(username, ip), LOCK_WINDOW_SECONDS))
        return True
    return False


def login_success(usernames, ip: str | None) -> None:
    for username in usernames:
        cache.delete_many(
            [
                _count_key("pfail", _pair(username, ip), LOCK_WINDOW_SECONDS),
                _count_key("ufail", digest(username), SLOW_WINDOW_SECONDS),
                f"acct:lock:{_pair(username, ip)}",
                f"acct:space:{digest(username)}",
            ]
        )


# --- registration -------------------------------------------------------------------


def registration_person(*, policy_type: str, policy_number: str = "", participant_number: str = "") -> str:
    """The one member the details name: Group by policy and participant number, Individual
    by policy number (one insured per policy), DPLK by participant number."""
    policy_number = (policy_number or "").strip().upper()
    participant_number = (participant_number or "").strip().upper()
    if policy_type == "GROUP":
        return f"GROUP|{policy_number}|{participant_number}"
    if policy_type == "INDIVIDUAL":
        return f"INDIVIDUAL|{policy_number}"
    return f"{policy_type}|{participant_number}"


def register_blocked(ip: str | None, identifier: str) -> bool:
    return any(
        (cache.get(_count_key("reg", key, REGISTER_WINDOW_SECONDS)) or 0) >= REGISTER_MAX_MISMATCHES
        for key in (digest(f"ip|{ip or '-'}"), digest(f"id|{identifier}"))
    )


def register_mismatch(ip: str | None, identifier: str) -> None:
    for key in (digest(f"ip|{ip or '-'}"), digest(f"id|{identifier}")):
        _incr(_count_key("reg", key, REGISTER_WINDOW_SECONDS), REGISTER_WINDOW_SECONDS + 60)
