"""How every write to a claim starts and ends: lock its row, then hand the saved state back
to the caller's instance (the member's services and the officers' alike)."""

from satuklik.claims.models import Claim


def claim_lock(claim: Claim, *related: str, lock_related: bool = False) -> Claim:
    """The claim's row, fresh from the database and locked until the transaction ends.

    `related` is joined in the same query; only the claim's row is locked unless
    `lock_related` (then the joined rows too, as select_for_update does by default).
    """
    rows = Claim.objects.select_for_update(of=() if lock_related else ("self",))
    return rows.select_related(*related).get(pk=claim.pk)


def claim_refresh(target: Claim, source: Claim) -> Claim:
    """Copy the saved state into the caller's instance, so it sees what changed."""
    for model_field in Claim._meta.concrete_fields:
        setattr(target, model_field.attname, getattr(source, model_field.attname))
    return target
