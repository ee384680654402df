"""Login lockout and attempt limits, counted in the cache (Redis in production: shared by
every app server).

Login (see docs/accounts.md):
- per username + IP: LOCK_AFTER (5) failures within LOCK_WINDOW (15 to 30 min) lock
  that pair for LOCK_SECONDS (15 min). An attacker elsewhere cannot lock the victim out:
  the victim's own IP has its own counter.
- per username across all IPs: after SLOW_AFTER (20) failures in the last hour (or two), attempts for
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


def _bucket_keys(kind: str, ident: str, window_seconds: int) -> tuple[str, str]:
    """This window's bucket and the previous one. Counting both means a failure is never
    forgotten before it is a full window old (a fixed bucket alone forgot all of them at
    every clock boundary: 20 failures at 07:59 were none at 08:00)."""
    now = int(time.time() // window_seconds)
    return f"acct:{kind}:{ident}:{now}", f"acct:{kind}:{ident}:{now - 1}"


def _count(kind: str, ident: str, window_seconds: int) -> int:
    """Failures of the last one to two windows (at least every one younger than a window)."""
    return sum(cache.get_many(_bucket_keys(kind, ident, window_seconds)).values())


def _bump(kind: str, ident: str, window_seconds: int) -> int:
    """Count one more; returns the count as _count sees it."""
    current, previous = _bucket_keys(kind, ident, window_seconds)
    ttl = 2 * window_seconds + 60
    cache.add(current, 0, ttl)
    try:
        mine = cache.incr(current)
    except ValueError:  # evicted between add and incr
        cache.set(current, 1, ttl)
        mine = 1
    return mine + (cache.get(previous) or 0)


def _clear(kind: str, ident: str, window_seconds: int) -> list[str]:
    return list(_bucket_keys(kind, ident, window_seconds))


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
    failures = _count("ufail", digest(username), SLOW_WINDOW_SECONDS)
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
    _bump("ufail", digest(username), SLOW_WINDOW_SECONDS)
    failures = _bump("pfail", _pair(username, ip), LOCK_WINDOW_SECONDS)
    if failures >= LOCK_AFTER:
        cache.set(f"acct:lock:{_pair(username, ip)}", time.time() + LOCK_SECONDS, LOCK_SECONDS + 60)
        cache.delete_many(_clear("pfail", _pair(username, ip), LOCK_WINDOW_SECONDS))
        return True
    return False


def login_success(usernames, ip: str | None) -> None:
    for username in usernames:
        cache.delete_many(
            [
                *_clear("pfail", _pair(username, ip), LOCK_WINDOW_SECONDS),
                *_clear("ufail", digest(username), SLOW_WINDOW_SECONDS),
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
        _count("reg", key, REGISTER_WINDOW_SECONDS) >= REGISTER_MAX_MISMATCHES
        for key in (digest(f"ip|{ip or '-'}"), digest(f"id|{identifier}"))
    )


def register_mismatch(ip: str | None, identifier: str) -> None:
    for key in (digest(f"ip|{ip or '-'}"), digest(f"id|{identifier}")):
        _bump("reg", key, REGISTER_WINDOW_SECONDS)
